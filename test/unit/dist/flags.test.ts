import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_FLAGS,
  DFLAG,
  MANDATORY_DFLAGS_25,
  MANDATORY_DFLAGS_26,
  expandMandatory25,
  flagNames,
  hexFlags,
  missingFlags,
  negotiate,
} from '../../../src/dist/flags.ts';

test('dist/flags: values match dist.hrl, including the bits above 32', () => {
  assert.equal(DFLAG.PUBLISHED, 0x1n);
  assert.equal(DFLAG.DIST_HDR_ATOM_CACHE, 0x2000n);
  assert.equal(DFLAG.UTF8_ATOMS, 0x10000n);
  assert.equal(DFLAG.FRAGMENTS, 0x800000n);
  assert.equal(DFLAG.HANDSHAKE_23, 0x1000000n);
  assert.equal(DFLAG.MANDATORY_25_DIGEST, 0x4000000n);
  assert.equal(DFLAG.SPAWN, 0x100000000n);
  assert.equal(DFLAG.NAME_ME, 0x200000000n);
  assert.equal(DFLAG.V4_NC, 0x400000000n);
  assert.equal(DFLAG.ALIAS, 0x800000000n);
});

test('dist/flags: the mandatory sets are the ones erts reports (OTP 25: 16#1070F94)', () => {
  assert.equal(MANDATORY_DFLAGS_25, 0x1070f94n);
  assert.equal(MANDATORY_DFLAGS_26, DFLAG.V4_NC | DFLAG.UNLINK_ID);
});

test('dist/flags: we advertise both mandatory sets, FRAGMENTS, and what OTP cannot refuse; no atom cache', () => {
  for (const f of [
    MANDATORY_DFLAGS_25,
    MANDATORY_DFLAGS_26,
    DFLAG.DIST_MONITOR,
    DFLAG.DIST_MONITOR_NAME,
    DFLAG.UNICODE_IO,
    DFLAG.SMALL_ATOM_TAGS,
    DFLAG.SEND_SENDER,
    DFLAG.BIG_SEQTRACE_LABELS,
    DFLAG.EXIT_PAYLOAD,
    DFLAG.FRAGMENTS,
    DFLAG.SPAWN,
    DFLAG.ALIAS,
  ]) {
    assert.equal(DEFAULT_FLAGS & f, f, hexFlags(f));
  }
  assert.equal(DEFAULT_FLAGS & DFLAG.DIST_HDR_ATOM_CACHE, 0n);
  assert.equal(DEFAULT_FLAGS & DFLAG.PUBLISHED, 0n, 'PUBLISHED is added per connection');
  assert.equal(DEFAULT_FLAGS & DFLAG.NAME_ME, 0n);
});

test('dist/flags: the mandatory-25 digest bit expands to the whole set', () => {
  assert.equal(expandMandatory25(DFLAG.MANDATORY_25_DIGEST) & MANDATORY_DFLAGS_25, MANDATORY_DFLAGS_25);
  assert.equal(expandMandatory25(DFLAG.PUBLISHED), DFLAG.PUBLISHED);
  assert.deepEqual(missingFlags(MANDATORY_DFLAGS_25, DFLAG.MANDATORY_25_DIGEST), []);
});

test('dist/flags: a missing flag is named with what needs it', () => {
  assert.deepEqual(missingFlags(MANDATORY_DFLAGS_25, MANDATORY_DFLAGS_25 & ~DFLAG.MAP_TAG), ['MAP_TAG (maps)']);
  assert.deepEqual(missingFlags(MANDATORY_DFLAGS_25, MANDATORY_DFLAGS_25 & ~DFLAG.HANDSHAKE_23), [
    "HANDSHAKE_23 (the OTP 23 handshake ('N' send_name))",
  ]);
});

test('dist/flags: names, hex, and negotiation as the intersection', () => {
  assert.deepEqual(flagNames(DFLAG.PUBLISHED | DFLAG.ALIAS | (1n << 40n)), ['PUBLISHED', 'ALIAS', 'bit40']);
  assert.equal(hexFlags(0xd07df7fbdn), '0xd07df7fbd');
  // OTP 25's flags as seen on the wire (PROTOCOL-OTP25.md §7).
  const otp25 = 0xd07df7fbdn;
  const n = negotiate(DEFAULT_FLAGS | DFLAG.PUBLISHED, otp25);
  assert.equal(n & DFLAG.FRAGMENTS, DFLAG.FRAGMENTS);
  assert.equal(n & DFLAG.DIST_HDR_ATOM_CACHE, 0n);
  assert.equal(n & DFLAG.SPAWN, DFLAG.SPAWN);
});
