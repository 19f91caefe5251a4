/**
 * Bundles a layer's sources with esbuild into bench/dist/ (git-ignored) and imports the bundle, so the
 * benchmarks measure plain ESM as a build would ship it. (Under tsx, every imported
 * binding is read through a getter, which costs the hot paths about a third.)
 */
import { pathToFileURL, fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** Bundles `src/<entry>` and returns the module. */
export async function loadBundle<T>(entry: string, name: string): Promise<T> {
  const outfile = fileURLToPath(new URL(`./dist/${name}.mjs`, import.meta.url));
  await build({
    entryPoints: [fileURLToPath(new URL(`../src/${entry}`, import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(outfile).href)) as T;
}
