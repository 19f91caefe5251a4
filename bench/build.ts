/**
 * Bundles a layer's sources with esbuild into bench/dist/ (git-ignored) and imports the bundle, so the
 * benchmarks measure plain ESM as a build would ship it. (Under tsx, every imported
 * binding is read through a getter, which costs the hot paths about a third.)
 */
import { pathToFileURL, fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

/**
 * Bundles `input` (esbuild's `entryPoints` or `stdin`) into `outfile` as every bench bundle
 * is made: one ESM file for Node 20, silent. Resolves with `outfile`.
 */
export async function bundleTo(
  outfile: string,
  input: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
): Promise<string> {
  await build({
    ...input,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

/** Bundles `src/<entry>` and returns the module. */
export async function loadBundle<T>(entry: string, name: string): Promise<T> {
  const outfile = await bundleTo(fileURLToPath(new URL(`./dist/${name}.mjs`, import.meta.url)), {
    entryPoints: [fileURLToPath(new URL(`../src/${entry}`, import.meta.url))],
  });
  return (await import(pathToFileURL(outfile).href)) as T;
}
