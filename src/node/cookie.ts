/**
 * The magic cookie, found as erl finds it (`auth:read_cookie/0`), with Elixir releases'
 * `RELEASE_COOKIE` in between:
 *
 * 1. the `cookie` option;
 * 2. the `RELEASE_COOKIE` environment variable;
 * 3. `$HOME/.erlang.cookie`, then `$XDG_CONFIG_HOME/erlang/.erlang.cookie`;
 * 4. neither exists: a new `$HOME/.erlang.cookie` is created, mode 0400.
 *
 * A cookie file must be a regular file readable by its owner only, and hold printable
 * ASCII (`' '..'~'`), optionally followed by newlines or spaces; erl refuses anything
 * else and so do we. erl writes 20 random uppercase letters (about 94 bits); we write 28
 * (about 131 bits) from `crypto.randomInt`, same alphabet, so the file stays valid for erl.
 *
 * @module
 */
import { randomInt } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CookieError } from './errors.ts';

/**
 * Where a cookie came from.
 *
 * @example
 * ```ts
 * if ((await resolveCookie()).source === 'created') console.log('new ~/.erlang.cookie');
 * ```
 */
export type CookieSource = 'option' | 'env' | 'file' | 'created';

/**
 * Options of {@link resolveCookie}; every field defaults to the process's own.
 *
 * @example
 * ```ts
 * await resolveCookie({ env: { HOME: '/tmp/home' } });
 * ```
 */
export interface CookieOptions {
  readonly cookie?: string;
  /** The environment to read `RELEASE_COOKIE`, `HOME` and `XDG_CONFIG_HOME` from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Length of a created cookie, in uppercase letters (log2(26^28) ≈ 131 bits).
 *
 * @example
 * ```ts
 * CREATED_COOKIE_LENGTH * Math.log2(26); // ≈ 131.6 bits
 * ```
 */
export const CREATED_COOKIE_LENGTH = 28;

/**
 * Finds the cookie this node uses, creating `~/.erlang.cookie` when erl would.
 *
 * @example
 * ```ts
 * const { cookie, source, path } = await resolveCookie({ env: { HOME: '/tmp/h' } });
 * // source: 'created', path: '/tmp/h/.erlang.cookie'
 * ```
 */
export async function resolveCookie(
  options: CookieOptions = {},
): Promise<{ cookie: string; source: CookieSource; path?: string }> {
  if (options.cookie !== undefined) {
    checkCookieText(options.cookie, undefined);
    return { cookie: options.cookie, source: 'option' };
  }
  const env = options.env ?? process.env;
  const fromEnv = env.RELEASE_COOKIE;
  if (fromEnv !== undefined && fromEnv !== '') {
    return { cookie: parseCookie(fromEnv, 'RELEASE_COOKIE'), source: 'env' };
  }
  const home = env.HOME || homedir();
  const homePath = join(home, '.erlang.cookie');
  const xdgBase = env.XDG_CONFIG_HOME || join(home, '.config');
  const xdgPath = join(xdgBase, 'erlang', '.erlang.cookie');
  for (const path of [homePath, xdgPath]) {
    const cookie = await readCookieFile(path);
    if (cookie !== undefined) return { cookie, source: 'file', path };
  }
  const cookie = await createCookieFile(homePath);
  return { cookie, source: 'created', path: homePath };
}

/** Reads and checks a cookie file; `undefined` when it does not exist. */
async function readCookieFile(path: string): Promise<string | undefined> {
  let stat;
  try {
    stat = await fs.stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CookieError(`error when reading ${path}: ${(e as Error).message}`, path, {
      cause: e,
    });
  }
  if (!stat.isFile()) throw new CookieError(`cookie file ${path} is not a regular file`, path);
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new CookieError(
      `cookie file ${path} must be accessible by owner only (mode is ${(stat.mode & 0o777).toString(8)}; chmod 400 it)`,
      path,
    );
  }
  let text: string;
  try {
    text = await fs.readFile(path, 'latin1');
  } catch (e) {
    throw new CookieError(`error when reading ${path}: ${(e as Error).message}`, path, {
      cause: e,
    });
  }
  return parseCookie(text, path);
}

/** `auth:check_cookie/2`: printable ASCII, then only newlines, CRs and spaces. */
function parseCookie(text: string, where: string): string {
  let end = 0;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c < 0x20 || c > 0x7e) break;
    end++;
  }
  const rest = text.slice(end);
  if (!/^[\n\r ]*$/.test(rest)) throw new CookieError(`bad characters in cookie (${where})`, where);
  if (end === 0) throw new CookieError(`too short cookie string (${where})`, where);
  return text.slice(0, end);
}

function checkCookieText(cookie: string, path: string | undefined): void {
  if (cookie.length === 0) throw new CookieError('the cookie is empty', path);
  // Sent as bytes in the MD5 digest: anything beyond Latin-1 cannot match erl's cookie.
  for (let i = 0; i < cookie.length; i++) {
    if (cookie.charCodeAt(i) > 0xff) {
      throw new CookieError('the cookie must be Latin-1 text (erl uses atoms as cookies)', path);
    }
  }
}

async function createCookieFile(path: string): Promise<string> {
  let cookie = '';
  for (let i = 0; i < CREATED_COOKIE_LENGTH; i++) cookie += String.fromCharCode(65 + randomInt(26));
  try {
    const handle = await fs.open(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
      0o400,
    );
    try {
      await handle.writeFile(cookie, 'latin1');
    } finally {
      await handle.close();
    }
    await fs.chmod(path, 0o400);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      // Another node created it between our read and our create: use theirs.
      const theirs = await readCookieFile(path);
      if (theirs !== undefined) return theirs;
    }
    throw new CookieError(`failed to create cookie file ${path}: ${(e as Error).message}`, path, {
      cause: e,
    });
  }
  return cookie;
}
