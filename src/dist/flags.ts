/**
 * Distribution flags, exactly as `lib/kernel/include/dist.hrl` spells them
 * (erl_dist_protocol, "Distribution Flags"). They exceed 32 bits, so they are `bigint`s.
 *
 * @see https://www.erlang.org/doc/apps/erts/erl_dist_protocol.html#dflags
 * @module
 */

/**
 * Every `DFLAG_*` bit, keyed by its name without the prefix.
 *
 * @example
 * ```ts
 * (peerFlags & DFLAG.FRAGMENTS) !== 0n; // the peer reassembles fragmented messages
 * ```
 */
export const DFLAG = {
  /** The node is visible (not `-hidden`). */
  PUBLISHED: 0x1n,
  /** Obsolete. */
  ATOM_CACHE: 0x2n,
  EXTENDED_REFERENCES: 0x4n,
  DIST_MONITOR: 0x8n,
  FUN_TAGS: 0x10n,
  DIST_MONITOR_NAME: 0x20n,
  /** Obsolete. */
  HIDDEN_ATOM_CACHE: 0x40n,
  NEW_FUN_TAGS: 0x80n,
  EXTENDED_PIDS_PORTS: 0x100n,
  EXPORT_PTR_TAG: 0x200n,
  BIT_BINARIES: 0x400n,
  NEW_FLOATS: 0x800n,
  UNICODE_IO: 0x1000n,
  /** The `131,68` distribution header with an atom cache. */
  DIST_HDR_ATOM_CACHE: 0x2000n,
  SMALL_ATOM_TAGS: 0x4000n,
  UTF8_ATOMS: 0x10000n,
  MAP_TAG: 0x20000n,
  BIG_CREATION: 0x40000n,
  /** SEND_SENDER (22) instead of SEND (2). */
  SEND_SENDER: 0x80000n,
  BIG_SEQTRACE_LABELS: 0x100000n,
  /** PAYLOAD_EXIT, PAYLOAD_EXIT2, PAYLOAD_MONITOR_P_EXIT. */
  EXIT_PAYLOAD: 0x400000n,
  /** Fragmented messages (`131,69` / `131,70`), OTP 22+. */
  FRAGMENTS: 0x800000n,
  /** The OTP 23 handshake (`'N'` send_name, 32-bit creation). */
  HANDSHAKE_23: 0x1000000n,
  /** UNLINK_ID / UNLINK_ID_ACK (mandatory from OTP 26). */
  UNLINK_ID: 0x2000000n,
  /** Shorthand for all of {@link MANDATORY_DFLAGS_25} (bit 26 in the code, not 36 as one doc page says). */
  MANDATORY_25_DIGEST: 0x4000000n,
  SPAWN: 1n << 32n,
  /** Dynamic node name: the acceptor names the initiator. */
  NAME_ME: 1n << 33n,
  /** 160-bit references, 64-bit ports (mandatory from OTP 26). */
  V4_NC: 1n << 34n,
  ALIAS: 1n << 35n,
} as const;

/**
 * A flag's name, such as `'MAP_TAG'`.
 *
 * @example
 * ```ts
 * const name: DFlagName = 'MAP_TAG';
 * DFLAG[name]; // 0x20000n
 * ```
 */
export type DFlagName = keyof typeof DFLAG;

/**
 * `?MANDATORY_DFLAGS_25`: what OTP 25 and later refuse to connect without.
 *
 * @example
 * ```ts
 * (MANDATORY_DFLAGS_25 & DFLAG.MAP_TAG) !== 0n; // true
 * ```
 */
export const MANDATORY_DFLAGS_25: bigint =
  DFLAG.EXTENDED_REFERENCES |
  DFLAG.FUN_TAGS |
  DFLAG.EXTENDED_PIDS_PORTS |
  DFLAG.NEW_FUN_TAGS |
  DFLAG.EXPORT_PTR_TAG |
  DFLAG.BIT_BINARIES |
  DFLAG.NEW_FLOATS |
  DFLAG.UTF8_ATOMS |
  DFLAG.MAP_TAG |
  DFLAG.BIG_CREATION |
  DFLAG.HANDSHAKE_23;

/**
 * `?MANDATORY_DFLAGS_26`: added to the mandatory set by OTP 26.
 *
 * @example
 * ```ts
 * const otp26Needs = MANDATORY_DFLAGS_25 | MANDATORY_DFLAGS_26;
 * ```
 */
export const MANDATORY_DFLAGS_26: bigint = DFLAG.V4_NC | DFLAG.UNLINK_ID;

/**
 * What beamlink requires of a peer: OTP 25's mandatory set. A peer without UNLINK_ID or
 * V4_NC (an OTP 25 hidden C node, say) is still accepted, as OTP 25 accepts it.
 *
 * @example
 * ```ts
 * missingFlags(REQUIRED_FLAGS, peerFlags); // [] when the peer is good enough
 * ```
 */
export const REQUIRED_FLAGS: bigint = MANDATORY_DFLAGS_25;

/**
 * The flags beamlink advertises (PUBLISHED is added unless the node is hidden): OTP 25's
 * and 26's mandatory sets, the flags OTP cannot refuse (AtomVM's analysis of
 * `erts_internal:get_dflags()`), and FRAGMENTS. Not DIST_HDR_ATOM_CACHE: we never
 * populate an atom cache, so we do not ask the peer to use one either.
 *
 * @example
 * ```ts
 * const flags = hidden ? DEFAULT_FLAGS : DEFAULT_FLAGS | DFLAG.PUBLISHED;
 * ```
 */
export const DEFAULT_FLAGS: bigint =
  MANDATORY_DFLAGS_25 |
  MANDATORY_DFLAGS_26 |
  DFLAG.MANDATORY_25_DIGEST |
  DFLAG.DIST_MONITOR |
  DFLAG.DIST_MONITOR_NAME |
  DFLAG.UNICODE_IO |
  DFLAG.SMALL_ATOM_TAGS |
  DFLAG.SEND_SENDER |
  DFLAG.BIG_SEQTRACE_LABELS |
  DFLAG.EXIT_PAYLOAD |
  DFLAG.FRAGMENTS |
  DFLAG.SPAWN |
  DFLAG.ALIAS;

/** What needs each required flag, for the refusal log line. */
const NEEDED_FOR: Partial<Record<DFlagName, string>> = {
  EXTENDED_REFERENCES: 'NEW_REFERENCE_EXT references',
  FUN_TAGS: 'funs',
  NEW_FUN_TAGS: 'NEW_FUN_EXT funs',
  EXTENDED_PIDS_PORTS: 'pids and ports with full node names',
  EXPORT_PTR_TAG: 'EXPORT_EXT funs',
  BIT_BINARIES: 'bitstrings',
  NEW_FLOATS: 'NEW_FLOAT_EXT floats',
  UTF8_ATOMS: 'UTF-8 atoms',
  MAP_TAG: 'maps',
  BIG_CREATION: '32-bit creations (NEW_PID_EXT)',
  HANDSHAKE_23: "the OTP 23 handshake ('N' send_name)",
  UNLINK_ID: 'the OTP 26 link protocol',
  V4_NC: 'V4 references and ports',
};

/**
 * Adds the mandatory-25 set when the shorthand bit is present (dist_util's
 * `expand_mandatory_25_flag/1`).
 *
 * @example
 * ```ts
 * expandMandatory25(DFLAG.MANDATORY_25_DIGEST) & DFLAG.MAP_TAG; // DFLAG.MAP_TAG
 * ```
 */
export function expandMandatory25(flags: bigint): bigint {
  return (flags & DFLAG.MANDATORY_25_DIGEST) !== 0n ? flags | MANDATORY_DFLAGS_25 : flags;
}

/**
 * The names of the flags set in `flags`, lowest bit first; unknown bits as `bit<N>`.
 *
 * @example
 * ```ts
 * flagNames(DFLAG.PUBLISHED | DFLAG.MAP_TAG); // ['PUBLISHED', 'MAP_TAG']
 * ```
 */
export function flagNames(flags: bigint): string[] {
  const out: string[] = [];
  for (let bit = 0n; bit < 64n; bit++) {
    const mask = 1n << bit;
    if ((flags & mask) === 0n) continue;
    const name = (Object.keys(DFLAG) as DFlagName[]).find((k) => DFLAG[k] === mask);
    out.push(name ?? `bit${bit}`);
  }
  return out;
}

/**
 * The names of the flags of `required` that `have` lacks (after expanding the
 * mandatory-25 shorthand in `have`), each with what needs it, such as
 * `'MAP_TAG (maps)'`.
 *
 * @example
 * ```ts
 * missingFlags(REQUIRED_FLAGS, REQUIRED_FLAGS & ~DFLAG.MAP_TAG); // ['MAP_TAG (maps)']
 * ```
 */
export function missingFlags(required: bigint, have: bigint): string[] {
  const missing = required & ~expandMandatory25(have);
  return flagNames(missing).map((name) => {
    const why = NEEDED_FOR[name as DFlagName];
    return why ? `${name} (${why})` : name;
  });
}

/**
 * The flags a connection uses: what both sides advertised (dist_util's
 * `adjust_flags/2`), with the mandatory-25 shorthand expanded on both sides.
 *
 * @example
 * ```ts
 * const flags = negotiate(ours, theirs);
 * ```
 */
export function negotiate(ours: bigint, theirs: bigint): bigint {
  return expandMandatory25(ours) & expandMandatory25(theirs);
}

/**
 * `flags` as `0x…` hexadecimal, as BEAM prints them in its logs.
 *
 * @example
 * ```ts
 * hexFlags(DFLAG.PUBLISHED); // '0x1'
 * ```
 */
export function hexFlags(flags: bigint): string {
  return `0x${flags.toString(16)}`;
}
