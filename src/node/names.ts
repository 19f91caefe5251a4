/**
 * Node names as erl forms and checks them (`net_kernel:create_name/3`,
 * `inet_tcp_dist:splitnode/3`, `dist_util:is_allowed/2`).
 *
 * - `sname: 'a'` → `a@<hostname up to the first dot>`; `sname: 'a@h'` is kept when `h`
 *   has no dot ("Can't set short node name!" otherwise).
 * - `name: 'a'` → `a@<host>.<domain>` (the FQDN); with no domain erl says "Can't set long
 *   node name!", and so do we. `name: 'a@h'` is kept as given.
 * - The alive part is `[0-9A-Za-z_-]+` (`valid_name_head/1`).
 * - A short-named node never talks to a long-named one: a dotted host is refused under
 *   short names, a dot-less host (other than an IP address) under long names.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { NodeNameError } from './errors.ts';

/**
 * Whether the node uses short (`-sname`) or long (`-name`) names.
 *
 * @example
 * ```ts
 * formNodeName({ sname: 'a' }).type; // 'shortnames'
 * ```
 */
export type NameType = 'shortnames' | 'longnames';

/**
 * A node name taken apart.
 *
 * @example
 * ```ts
 * const { alive, host } = formNodeName({ name: 'a@127.0.0.1' }); // 'a', '127.0.0.1'
 * ```
 */
export interface NodeName {
  /** `alive@host`. */
  readonly full: string;
  /** The part before `@`. */
  readonly alive: string;
  /** The part after `@`. */
  readonly host: string;
  readonly type: NameType;
}

/**
 * Where host names come from; tests replace it.
 *
 * @example
 * ```ts
 * formNodeName({ name: 'a' }, { hostname: 'box', domain: 'example.org' }); // a@box.example.org
 * ```
 */
export interface HostInfo {
  /** The machine's host name (`os.hostname()`). */
  readonly hostname: string;
  /** The DNS domain (resolv.conf `domain`, else its first `search` entry), or ''. */
  readonly domain: string;
}

const VALID_ALIVE = /^[0-9A-Za-z_-]+$/;
// validate_hostname/1: every character printable, no space (`^[!-ÿ]*$`).
const VALID_HOST = /^[!-\u00ff]+$/;

/**
 * The machine's host name and DNS domain, as erl's inet_db finds them.
 *
 * @example
 * ```ts
 * hostInfo(); // { hostname: 'vm', domain: '' }
 * ```
 */
export function hostInfo(): HostInfo {
  const full = hostname();
  const dot = full.indexOf('.');
  if (dot > 0) return { hostname: full.slice(0, dot), domain: full.slice(dot + 1) };
  let domain = '';
  let search = '';
  try {
    const conf = readFileSync('/etc/resolv.conf', 'utf8');
    for (const line of conf.split('\n')) {
      const [key, value] = line.trim().split(/\s+/);
      if (key === 'domain' && value) domain = value;
      if (key === 'search' && value && !search) search = value;
    }
  } catch {
    // no resolver configuration: no domain, as in erl
  }
  return { hostname: full, domain: domain || search };
}

/**
 * Forms this node's full name from `sname` or `name` exactly as erl does.
 *
 * @example
 * ```ts
 * formNodeName({ sname: 'ts1' }, { hostname: 'vm', domain: '' }).full;        // 'ts1@vm'
 * formNodeName({ name: 'ts1' }, { hostname: 'vm', domain: 'example.org' }).full; // 'ts1@vm.example.org'
 * formNodeName({ name: 'ts1@127.0.0.1' }).full;                                 // 'ts1@127.0.0.1'
 * ```
 */
export function formNodeName(
  options: { sname?: string; name?: string },
  host: HostInfo = hostInfo(),
): NodeName {
  const { sname, name } = options;
  if (sname !== undefined && name !== undefined) {
    throw new NodeNameError(
      `${sname} / ${name}`,
      `give either sname (${sname}) or name (${name}), not both: a node uses short or long names`,
    );
  }
  const given = sname ?? name;
  if (given === undefined) throw new NodeNameError('', 'a node needs a name (sname or name)');
  const type: NameType = sname !== undefined ? 'shortnames' : 'longnames';
  const at = given.indexOf('@');
  const alive = at >= 0 ? given.slice(0, at) : given;
  if (!VALID_ALIVE.test(alive)) {
    throw new NodeNameError(
      given,
      `invalid node name ${given}: the part before @ must match [0-9A-Za-z_-]+`,
    );
  }
  let hostPart: string;
  if (at >= 0) {
    hostPart = given.slice(at + 1);
    if (!VALID_HOST.test(hostPart)) {
      throw new NodeNameError(given, `invalid host part in node name ${given}`);
    }
    if (type === 'shortnames' && hostPart.includes('.')) {
      throw new NodeNameError(
        given,
        `can't set short node name ${given}: the host ${hostPart} has dots; use name (long names) instead`,
      );
    }
  } else if (type === 'shortnames') {
    hostPart = host.hostname.split('.')[0]!;
    if (!hostPart)
      throw new NodeNameError(given, `can't set short node name ${given}: no host name`);
  } else {
    const h = host.hostname.split('.')[0]!;
    if (!h || !host.domain) {
      throw new NodeNameError(
        given,
        `can't set long node name ${given}: this host (${host.hostname}) has no DNS domain; ` +
          `give the host explicitly, e.g. ${given}@127.0.0.1, or use sname`,
      );
    }
    hostPart = `${h}.${host.domain}`;
  }
  return { full: `${alive}@${hostPart}`, alive, host: hostPart, type };
}

/**
 * Splits `alive@host`; throws {@link NodeNameError} for a name without `@`.
 *
 * @example
 * ```ts
 * splitNodeName('b@vm'); // { alive: 'b', host: 'vm' }
 * ```
 */
export function splitNodeName(node: string): { alive: string; host: string } {
  const at = node.indexOf('@');
  if (at <= 0 || at === node.length - 1) {
    throw new NodeNameError(node, `node name ${node} is illegal: it needs the form name@host`);
  }
  return { alive: node.slice(0, at), host: node.slice(at + 1) };
}

/**
 * Why a node named `remote` cannot talk to a node using `type` names, or `undefined`
 * when it can (`inet_tcp_dist:splitnode/3`).
 *
 * @example
 * ```ts
 * nameMismatch('b@host.example.org', 'shortnames', 'a@vm');
 * // 'a@vm uses short names and cannot connect to b@host.example.org (a long name) ...'
 * ```
 */
export function nameMismatch(remote: string, type: NameType, local: string): string | undefined {
  let host: string;
  try {
    host = splitNodeName(remote).host;
  } catch (e) {
    return (e as Error).message;
  }
  const dotted = host.includes('.');
  if (type === 'shortnames' && dotted) {
    return (
      `${local} uses short names (not fully qualified hostnames) and cannot connect to ` +
      `${remote}, a long name: hostname ${host} is illegal here; start both nodes with sname or both with name`
    );
  }
  if (type === 'longnames' && !dotted && isIP(host) === 0) {
    return (
      `${local} uses long names (fully qualified hostnames) and cannot connect to ` +
      `${remote}, a short name: hostname ${host} is illegal here; start both nodes with sname or both with name`
    );
  }
  return undefined;
}

/**
 * Whether `node` matches the allow list (`net_kernel:allow/1`): entries are full node
 * names, host names, or `name@` prefixes. An empty list allows every node.
 *
 * @example
 * ```ts
 * isAllowed('b@vm', ['b@vm']);   // true
 * isAllowed('b@vm', ['vm']);     // true (host)
 * isAllowed('b@vm', ['b@']);     // true (name before @)
 * isAllowed('c@vm', ['b@vm']);   // false
 * ```
 */
export function isAllowed(node: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const at = node.indexOf('@');
  const alive = at >= 0 ? node.slice(0, at) : node;
  const host = at >= 0 ? node.slice(at + 1) : '';
  for (const entry of allowed) {
    if (entry === node) return true;
    const i = entry.indexOf('@');
    if (i < 0) {
      if (entry === host) return true; // a host name
    } else if (i === entry.length - 1) {
      if (entry.slice(0, i) === alive) return true; // "name@"
    } else if (entry.slice(0, i) === alive && entry.slice(i + 1) === host) {
      return true;
    }
  }
  return false;
}
