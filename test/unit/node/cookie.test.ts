import assert from 'node:assert/strict';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CREATED_COOKIE_LENGTH, resolveCookie } from '../../../src/node/cookie.ts';
import { CookieError } from '../../../src/node/errors.ts';

const dirs: string[] = [];
function tempHome(): string {
  const d = mkdtempSync(join(tmpdir(), 'beamlink-cookie-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('node/cookie: the option wins over RELEASE_COOKIE and the file', async () => {
  const home = tempHome();
  const r = await resolveCookie({ cookie: 'opt', env: { HOME: home, RELEASE_COOKIE: 'env' } });
  assert.deepEqual(r, { cookie: 'opt', source: 'option' });
});

test('node/cookie: RELEASE_COOKIE wins over the file', async () => {
  const r = await resolveCookie({ env: { HOME: tempHome(), RELEASE_COOKIE: 'from_env\n' } });
  assert.deepEqual(r, { cookie: 'from_env', source: 'env' });
});

test('node/cookie: a missing ~/.erlang.cookie is created mode 0400 with >= 128 random bits', async () => {
  const home = tempHome();
  const r = await resolveCookie({ env: { HOME: home } });
  const path = join(home, '.erlang.cookie');
  assert.equal(r.source, 'created');
  assert.equal(r.path, path);
  assert.match(r.cookie, new RegExp(`^[A-Z]{${CREATED_COOKIE_LENGTH}}$`));
  assert.ok(CREATED_COOKIE_LENGTH * Math.log2(26) >= 128);
  assert.equal(statSync(path).mode & 0o777, 0o400);
  assert.equal(readFileSync(path, 'latin1'), r.cookie);
  // Read back as a file the second time, unchanged.
  const again = await resolveCookie({ env: { HOME: home } });
  assert.deepEqual(again, { cookie: r.cookie, source: 'file', path });
  // Two fresh homes get different cookies.
  const other = await resolveCookie({ env: { HOME: tempHome() } });
  assert.notEqual(other.cookie, r.cookie);
});

test('node/cookie: an existing file is read with trailing newline stripped; XDG is the fallback', async () => {
  const home = tempHome();
  writeFileSync(join(home, '.erlang.cookie'), 'SECRET\n', { mode: 0o400 });
  assert.equal((await resolveCookie({ env: { HOME: home } })).cookie, 'SECRET');
  const home2 = tempHome();
  mkdirSync(join(home2, 'cfg', 'erlang'), { recursive: true });
  writeFileSync(join(home2, 'cfg', 'erlang', '.erlang.cookie'), 'XDGCOOKIE', { mode: 0o600 });
  const r = await resolveCookie({ env: { HOME: home2, XDG_CONFIG_HOME: join(home2, 'cfg') } });
  assert.equal(r.cookie, 'XDGCOOKIE');
  assert.equal(r.source, 'file');
});

test('node/cookie: a file readable by others or with bad characters is refused, as erl does', async () => {
  const home = tempHome();
  const path = join(home, '.erlang.cookie');
  writeFileSync(path, 'OPEN');
  chmodSync(path, 0o644);
  await assert.rejects(resolveCookie({ env: { HOME: home } }), (e: unknown) => {
    assert.ok(e instanceof CookieError);
    assert.equal(e.code, 'BL_ERR_COOKIE');
    assert.match(e.message, /accessible by owner only/);
    assert.equal(e.path, path);
    return true;
  });
  chmodSync(path, 0o600);
  writeFileSync(path, 'BAD\u0001COOKIE');
  await assert.rejects(resolveCookie({ env: { HOME: home } }), /bad characters/);
  writeFileSync(path, '\n');
  await assert.rejects(resolveCookie({ env: { HOME: home } }), /too short/);
});
