/**
 * The EPMD wire protocol as pure functions: no sockets, no timers.
 *
 * Spec: erl_dist_protocol, section "EPMD Protocol"
 * (https://www.erlang.org/doc/apps/erts/erl_dist_protocol.html#epmd-protocol), checked
 * against Debian's OTP 25 `epmd` and `erts/epmd/src/epmd_srv.c`. Every request is framed
 * `Length:16 | Request`; replies are not framed. All integers are big-endian.
 *
 * Requests (client → port mapper), with the tag byte first:
 *
 * | request          | tag | body after the tag                                                       |
 * | ---------------- | --- | ------------------------------------------------------------------------ |
 * | ALIVE2_REQ       | 120 | PortNo:16 NodeType:8 Protocol:8 Highest:16 Lowest:16 Nlen:16 Name Elen:16 Extra |
 * | PORT_PLEASE2_REQ | 122 | Name                                                                     |
 * | NAMES_REQ        | 110 | —                                                                        |
 * | DUMP_REQ         | 100 | —                                                                        |
 * | KILL_REQ         | 107 | —                                                                        |
 * | STOP_REQ         | 115 | Name                                                                     |
 *
 * Replies: ALIVE2_X_RESP `118, Result:8, Creation:32` (to a node that says Highest >= 6),
 * ALIVE2_RESP `121, Result:8, Creation:16` (older nodes), PORT2_RESP `119, Result:8`
 * (+ the node's ALIVE2 fields when Result is 0), NAMES `EPMDPort:32` + lines
 * `name N at port P\n`, KILL `OK` (or `NO` while nodes are registered), STOP `STOPPED` /
 * `NOEXIST`.
 *
 * @module
 */
import { EpmdBadReplyError, EpmdBadRequestError } from './errors.ts';

/**
 * The port mapper's well-known port; `ERL_EPMD_PORT` overrides it.
 *
 * @example
 * ```ts
 * connect({ port: EPMD_PORT, host: '127.0.0.1' });
 * ```
 */
export const EPMD_PORT = 4369;

/**
 * Request and reply tags, named as erl_dist_protocol and `epmd.h` name them.
 *
 * @example
 * ```ts
 * if (reply[0] === EpmdTag.ALIVE2_X_RESP) console.log('32-bit creation');
 * ```
 */
export const EpmdTag = {
  ALIVE2_REQ: 120,
  ALIVE2_X_RESP: 118,
  ALIVE2_RESP: 121,
  PORT_PLEASE2_REQ: 122,
  PORT2_RESP: 119,
  NAMES_REQ: 110,
  DUMP_REQ: 100,
  KILL_REQ: 107,
  STOP_REQ: 115,
} as const;

/**
 * NodeType in ALIVE2_REQ / PORT2_RESP: 77 (`M`) a normal node, 72 (`H`) a hidden one.
 *
 * @example
 * ```ts
 * const hidden = info.nodeType === NodeType.HIDDEN;
 * ```
 */
export const NodeType = { NORMAL: 77, HIDDEN: 72 } as const;

/**
 * Protocol byte: 0 is TCP/IPv4, the only value the spec defines.
 *
 * @example
 * ```ts
 * encodeAlive2Req({ ...node, protocol: PROTOCOL_TCP_IPV4 });
 * ```
 */
export const PROTOCOL_TCP_IPV4 = 0;

/**
 * epmd's MAXSYMLEN: a name (and the extra field) may be at most 1020 bytes...
 *
 * @example
 * ```ts
 * Buffer.byteLength(name) <= MAX_NAME_BYTES;
 * ```
 */
export const MAX_NAME_BYTES = 255 * 4;
/**
 * ...and at most 255 characters.
 *
 * @example
 * ```ts
 * [...name].length <= MAX_NAME_CHARS;
 * ```
 */
export const MAX_NAME_CHARS = 255;
/**
 * The largest request body epmd reads (its INBUF_SIZE is 3 × MAXSYMLEN, and the 2 length
 * bytes share that buffer); a length above this is a lie or an attack: close.
 *
 * @example
 * ```ts
 * if (length > MAX_REQUEST_BODY) socket.destroy();
 * ```
 */
export const MAX_REQUEST_BODY = 3 * MAX_NAME_BYTES - 3;

/**
 * What a node tells the port mapper about itself, and what a port lookup returns.
 *
 * @example
 * ```ts
 * const node: NodeInfo = { port: 5000, nodeType: NodeType.NORMAL, protocol: 0, highest: 6, lowest: 6, name: 'a', extra: Buffer.alloc(0) };
 * ```
 */
export interface NodeInfo {
  /** The node's distribution listen port. */
  readonly port: number;
  /** `NodeType.NORMAL` (77) or `NodeType.HIDDEN` (72). */
  readonly nodeType: number;
  /** 0 = TCP/IPv4. */
  readonly protocol: number;
  /** Highest distribution version the node speaks (6 since OTP 23). */
  readonly highest: number;
  /** Lowest distribution version the node speaks (6 since OTP 25). */
  readonly lowest: number;
  /** The alive part of the node name (`foo` for `foo@host`). */
  readonly name: string;
  /** The Extra field, usually empty. */
  readonly extra: Buffer;
}

/**
 * The reply to ALIVE2_REQ.
 *
 * @example
 * ```ts
 * const { result, creation } = decodeAlive2Resp(reply)!;
 * ```
 */
export interface Alive2Response {
  /** 0 is success; epmd sends 1 for every refusal (taken name, bad name). */
  readonly result: number;
  /** The creation to use in pids, refs and ports (99 on refusal, as epmd sends). */
  readonly creation: number;
  /** `true` for ALIVE2_X_RESP (118, 32-bit creation), `false` for ALIVE2_RESP (121). */
  readonly extended: boolean;
}

/**
 * One line of a NAMES reply.
 *
 * @example
 * ```ts
 * const entry: NameEntry = { name: 'foo', port: 4000 };
 * ```
 */
export interface NameEntry {
  readonly name: string;
  readonly port: number;
}

/**
 * A decoded NAMES reply.
 *
 * @example
 * ```ts
 * const { names: nodes } = decodeNamesResp(reply);
 * ```
 */
export interface NamesResponse {
  /** The port the port mapper says it listens on (erl_epmd checks it against its own). */
  readonly epmdPort: number;
  readonly names: NameEntry[];
  /** The text after the port, exactly as sent. */
  readonly text: string;
}

/**
 * A decoded request body (what the daemon acts on).
 *
 * @example
 * ```ts
 * const req: EpmdRequest = decodeRequest(body); if (req.type === 'NAMES_REQ') reply();
 * ```
 */
export type EpmdRequest =
  | {
      readonly type: 'ALIVE2_REQ';
      readonly node: NodeInfo;
      /** Set when epmd would answer "refused" (result 1) rather than close: why. */
      readonly refusal?: string;
    }
  | { readonly type: 'PORT_PLEASE2_REQ'; readonly name: string }
  | { readonly type: 'NAMES_REQ' }
  | { readonly type: 'DUMP_REQ' }
  | { readonly type: 'KILL_REQ' }
  | { readonly type: 'STOP_REQ'; readonly name: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a node name as epmd checks it: strict UTF-8 (no overlongs, no surrogates), at
 * most 255 characters and 1020 bytes. Returns `undefined` for a name epmd would refuse.
 *
 * @example
 * ```ts
 * checkName(Buffer.from('foo')) // 'foo'
 * checkName(Buffer.from([0xc0, 0x80])) // undefined
 * ```
 */
export function checkName(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.length > MAX_NAME_BYTES) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  let chars = 0;
  for (const _ of text) chars++;
  return chars <= MAX_NAME_CHARS ? text : undefined;
}

/**
 * Frames a request body: `Length:16 | Body`.
 *
 * @example
 * ```ts
 * frame(Buffer.from([110])) // <00 01 6e>
 * ```
 */
export function frame(body: Uint8Array): Buffer {
  if (body.length > 0xffff) {
    throw new EpmdBadRequestError(`request of ${body.length} bytes exceeds the 16-bit length`, 0);
  }
  const out = Buffer.allocUnsafe(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  out.set(body, 2);
  return out;
}

function nameBytes(name: string): Buffer {
  const bytes = Buffer.from(name, 'utf8');
  if (checkName(bytes) === undefined || bytes.includes(0)) {
    throw new EpmdBadRequestError(
      `invalid node name ${JSON.stringify(name)}: 1..255 characters, at most 1020 UTF-8 bytes, no NUL`,
      0,
    );
  }
  return bytes;
}

/**
 * Encodes a framed ALIVE2_REQ (register a node).
 *
 * @example
 * ```ts
 * encodeAlive2Req({ port: 5000, nodeType: 77, protocol: 0, highest: 6, lowest: 6, name: 'a', extra: Buffer.alloc(0) })
 * // <00 0e 78 13 88 4d 00 00 06 00 06 00 01 61 00 00>
 * ```
 */
export function encodeAlive2Req(node: NodeInfo): Buffer {
  const name = nameBytes(node.name);
  if (node.extra.length > MAX_NAME_BYTES) {
    throw new EpmdBadRequestError(`extra field of ${node.extra.length} bytes (max 1020)`, 0);
  }
  const body = Buffer.allocUnsafe(1 + NODE_INFO_FIXED + name.length + node.extra.length);
  body[0] = EpmdTag.ALIVE2_REQ;
  writeNodeInfo(body, 1, node, name);
  return frame(body);
}

/** Bytes of a node-info block besides the name and extra: port, type, protocol, versions, two lengths. */
const NODE_INFO_FIXED = 12;

/**
 * Writes the node-info block that ALIVE2_REQ (at 1) and PORT2_RESP (at 2) share:
 * `PortNo:16 NodeType:8 Protocol:8 HighestVersion:16 LowestVersion:16 Nlen:16 NodeName Elen:16 Extra`.
 */
function writeNodeInfo(out: Buffer, at: number, node: NodeInfo, name: Buffer): void {
  out.writeUInt16BE(node.port, at);
  out[at + 2] = node.nodeType;
  out[at + 3] = node.protocol;
  out.writeUInt16BE(node.highest, at + 4);
  out.writeUInt16BE(node.lowest, at + 6);
  out.writeUInt16BE(name.length, at + 8);
  name.copy(out, at + 10);
  out.writeUInt16BE(node.extra.length, at + 10 + name.length);
  out.set(node.extra, at + 12 + name.length);
}

/** Reads the node-info block written by {@link writeNodeInfo}; the caller has checked the lengths. */
function readNodeInfo(buf: Buffer, at: number, name: string, nlen: number, elen: number): NodeInfo {
  const extraAt = at + NODE_INFO_FIXED + nlen;
  return {
    port: buf.readUInt16BE(at),
    nodeType: buf[at + 2]!,
    protocol: buf[at + 3]!,
    highest: buf.readUInt16BE(at + 4),
    lowest: buf.readUInt16BE(at + 6),
    name,
    extra: Buffer.from(buf.subarray(extraAt, extraAt + elen)),
  };
}

/**
 * Encodes a framed PORT_PLEASE2_REQ for the alive part of a node name.
 *
 * @example
 * ```ts
 * encodePortPlease2Req('ab') // <00 03 7a 61 62>
 * ```
 */
export function encodePortPlease2Req(name: string): Buffer {
  return frame(Buffer.concat([Buffer.of(EpmdTag.PORT_PLEASE2_REQ), nameBytes(name)]));
}

/**
 * Encodes a framed NAMES_REQ.
 *
 * @example
 * ```ts
 * encodeNamesReq() // <00 01 6e>
 * ```
 */
export function encodeNamesReq(): Buffer {
  return frame(Buffer.of(EpmdTag.NAMES_REQ));
}

/**
 * Encodes a framed DUMP_REQ.
 *
 * @example
 * ```ts
 * encodeDumpReq() // <00 01 64>
 * ```
 */
export function encodeDumpReq(): Buffer {
  return frame(Buffer.of(EpmdTag.DUMP_REQ));
}

/**
 * Encodes a framed KILL_REQ.
 *
 * @example
 * ```ts
 * encodeKillReq() // <00 01 6b>
 * ```
 */
export function encodeKillReq(): Buffer {
  return frame(Buffer.of(EpmdTag.KILL_REQ));
}

/**
 * Encodes a framed STOP_REQ (unregister a name; epmd honours it only with
 * `-relaxed_command_check`).
 *
 * @example
 * ```ts
 * encodeStopReq('ab') // <00 03 73 61 62>
 * ```
 */
export function encodeStopReq(name: string): Buffer {
  return frame(Buffer.concat([Buffer.of(EpmdTag.STOP_REQ), nameBytes(name)]));
}

/**
 * Decodes one request body (the bytes after `Length:16`) with the checks epmd makes.
 * Throws `EpmdBadRequestError` where epmd closes the connection without a reply; returns
 * an ALIVE2_REQ with `refusal` set where epmd answers "refused".
 *
 * @example
 * ```ts
 * decodeRequest(Buffer.from([122, 97])) // { type: 'PORT_PLEASE2_REQ', name: 'a' }
 * ```
 */
export function decodeRequest(body: Buffer): EpmdRequest {
  if (body.length === 0) throw new EpmdBadRequestError('empty request', 0);
  const tag = body[0]!;
  switch (tag) {
    case EpmdTag.ALIVE2_REQ:
      return decodeAlive2(body);
    case EpmdTag.PORT_PLEASE2_REQ:
      return { type: 'PORT_PLEASE2_REQ', name: decodeTrailingName(body, tag) };
    case EpmdTag.NAMES_REQ:
      return { type: 'NAMES_REQ' };
    case EpmdTag.DUMP_REQ:
      return { type: 'DUMP_REQ' };
    case EpmdTag.KILL_REQ:
      return { type: 'KILL_REQ' };
    case EpmdTag.STOP_REQ:
      return { type: 'STOP_REQ', name: decodeTrailingName(body, tag) };
    default:
      throw new EpmdBadRequestError(`unknown request tag ${tag}`, 0, tag);
  }
}

function decodeAlive2(body: Buffer): EpmdRequest {
  const tag = EpmdTag.ALIVE2_REQ;
  // epmd: "at least one character for the node name".
  if (body.length <= 13) {
    throw new EpmdBadRequestError(`ALIVE2_REQ of ${body.length} bytes is too short`, 0, tag);
  }
  const nlen = body.readUInt16BE(9);
  if (nlen + 13 > body.length) {
    throw new EpmdBadRequestError(`ALIVE2_REQ name length ${nlen} overruns the request`, 9, tag);
  }
  const elenAt = 11 + nlen;
  const elen = body.readUInt16BE(elenAt);
  if (elen + nlen + 13 > body.length) {
    throw new EpmdBadRequestError(
      `ALIVE2_REQ extra length ${elen} overruns the request`,
      elenAt,
      tag,
    );
  }
  const raw = body.subarray(11, 11 + nlen);
  const nul = raw.indexOf(0);
  if (nul >= 0) throw new EpmdBadRequestError('node name contains NUL', 11 + nul, tag);
  const checked = checkName(raw);
  const node = readNodeInfo(body, 1, checked ?? raw.toString('utf8'), nlen, elen);
  if (checked === undefined) return { type: 'ALIVE2_REQ', node, refusal: 'invalid node name' };
  if (elen > MAX_NAME_BYTES) return { type: 'ALIVE2_REQ', node, refusal: 'extra too long' };
  return { type: 'ALIVE2_REQ', node };
}

/** PORT_PLEASE2_REQ / STOP_REQ: the rest of the body is the name (one trailing NUL allowed). */
function decodeTrailingName(body: Buffer, tag: number): string {
  let end = body.length;
  if (end > 1 && body[end - 1] === 0) end--;
  if (end <= 1) throw new EpmdBadRequestError('request without a node name', 1, tag);
  const raw = body.subarray(1, end);
  const nul = raw.indexOf(0);
  if (nul >= 0) throw new EpmdBadRequestError('node name contains NUL', 1 + nul, tag);
  const name = checkName(raw);
  if (name === undefined) throw new EpmdBadRequestError('invalid node name', 1, tag);
  return name;
}

/**
 * Encodes the reply to ALIVE2_REQ: ALIVE2_X_RESP (118, 32-bit creation) when `extended`,
 * else ALIVE2_RESP (121, 16-bit creation).
 *
 * @example
 * ```ts
 * encodeAlive2Resp({ result: 0, creation: 0x6b012ffd, extended: true }) // <76 00 6b 01 2f fd>
 * encodeAlive2Resp({ result: 1, creation: 99, extended: false }) // <79 01 00 63>
 * ```
 */
export function encodeAlive2Resp(resp: Alive2Response): Buffer {
  if (resp.extended) {
    const out = Buffer.allocUnsafe(6);
    out[0] = EpmdTag.ALIVE2_X_RESP;
    out[1] = resp.result;
    out.writeUInt32BE(resp.creation >>> 0, 2);
    return out;
  }
  const out = Buffer.allocUnsafe(4);
  out[0] = EpmdTag.ALIVE2_RESP;
  out[1] = resp.result;
  out.writeUInt16BE(resp.creation & 0xffff, 2);
  return out;
}

/**
 * Decodes the reply to ALIVE2_REQ from the bytes received so far: `undefined` while
 * incomplete; throws `EpmdBadReplyError` on anything else.
 *
 * @example
 * ```ts
 * decodeAlive2Resp(Buffer.from([118, 0, 0, 0, 0, 5])) // { result: 0, creation: 5, extended: true }
 * ```
 */
export function decodeAlive2Resp(buf: Buffer): Alive2Response | undefined {
  if (buf.length === 0) return undefined;
  const tag = buf[0];
  const size = tag === EpmdTag.ALIVE2_X_RESP ? 6 : tag === EpmdTag.ALIVE2_RESP ? 4 : 0;
  if (size === 0) throw new EpmdBadReplyError({}, `unexpected ALIVE2 reply tag ${tag}`, buf);
  if (buf.length < size) return undefined;
  if (buf.length > size) throw new EpmdBadReplyError({}, 'ALIVE2 reply too long', buf);
  return size === 6
    ? { result: buf[1]!, creation: buf.readUInt32BE(2), extended: true }
    : { result: buf[1]!, creation: buf.readUInt16BE(2), extended: false };
}

/**
 * Encodes PORT2_RESP: the node's registration, or `119, 1` when the name is unknown.
 *
 * @example
 * ```ts
 * encodePort2Resp(null) // <77 01>
 * ```
 */
export function encodePort2Resp(node: NodeInfo | null): Buffer {
  if (node === null) return Buffer.of(EpmdTag.PORT2_RESP, 1);
  const name = Buffer.from(node.name, 'utf8');
  const out = Buffer.allocUnsafe(2 + NODE_INFO_FIXED + name.length + node.extra.length);
  out[0] = EpmdTag.PORT2_RESP;
  out[1] = 0;
  writeNodeInfo(out, 2, node, name);
  return out;
}

/**
 * Decodes PORT2_RESP from the bytes received so far. Returns `undefined` while more bytes
 * are needed (pass `complete` once the port mapper has closed), `null` for "not
 * registered" (a non-zero result), or the node's registration.
 *
 * @example
 * ```ts
 * decodePort2Resp(Buffer.from([119, 1]), true) // null
 * ```
 */
export function decodePort2Resp(buf: Buffer, complete = false): NodeInfo | null | undefined {
  const incomplete = (what: string): undefined => {
    if (complete) throw new EpmdBadReplyError({}, `PORT2_RESP cut short in ${what}`, buf);
    return undefined;
  };
  if (buf.length === 0) return incomplete('the tag');
  if (buf[0] !== EpmdTag.PORT2_RESP) {
    throw new EpmdBadReplyError({}, `unexpected PORT2 reply tag ${buf[0]}`, buf);
  }
  if (buf.length < 2) return incomplete('the result');
  if (buf[1] !== 0) return null;
  if (buf.length < 12) return incomplete('the header');
  const nlen = buf.readUInt16BE(10);
  if (buf.length < 14 + nlen) return incomplete('the name');
  const elen = buf.readUInt16BE(12 + nlen);
  if (buf.length < 14 + nlen + elen) return incomplete('the extra field');
  if (buf.length > 14 + nlen + elen) {
    throw new EpmdBadReplyError({}, 'PORT2_RESP longer than its fields', buf);
  }
  return readNodeInfo(buf, 2, buf.subarray(12, 12 + nlen).toString('utf8'), nlen, elen);
}

/**
 * Formats one NAMES line as epmd does: `name ~ts at port ~p\n`.
 *
 * @example
 * ```ts
 * formatNamesLine({ name: 'foo', port: 4000 }) // 'name foo at port 4000\n'
 * ```
 */
export function formatNamesLine(entry: NameEntry): string {
  return `name ${entry.name} at port ${entry.port}\n`;
}

/**
 * Encodes the whole NAMES reply: `EPMDPort:32` then one line per registered node.
 *
 * @example
 * ```ts
 * encodeNamesResp(4369, [{ name: 'a', port: 1 }]) // <00 00 11 11 "name a at port 1\n">
 * ```
 */
export function encodeNamesResp(epmdPort: number, names: readonly NameEntry[]): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(epmdPort >>> 0, 0);
  return Buffer.concat([head, Buffer.from(names.map(formatNamesLine).join(''), 'utf8')]);
}

/**
 * Decodes a complete NAMES (or DUMP) reply. Lines that are not `name N at port P` are
 * kept in `text` and skipped in `names`, as erl_epmd skips them.
 *
 * @example
 * ```ts
 * decodeNamesResp(Buffer.from([0, 0, 17, 17, ...Buffer.from('name a at port 1\n')]))
 * // { epmdPort: 4369, names: [{ name: 'a', port: 1 }], text: 'name a at port 1\n' }
 * ```
 */
export function decodeNamesResp(buf: Buffer): NamesResponse {
  if (buf.length < 4) throw new EpmdBadReplyError({}, 'NAMES reply shorter than its port', buf);
  const text = buf.subarray(4).toString('utf8');
  const names: NameEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^name (.+) at port (\d+)$/u.exec(line);
    if (m) names.push({ name: m[1]!, port: Number(m[2]) });
  }
  return { epmdPort: buf.readUInt32BE(0), names, text };
}

/**
 * One node in a DUMP reply.
 *
 * @example
 * ```ts
 * encodeDumpResp(4369, [{ name: 'a', port: 4000, fd: 7 }], []);
 * ```
 */
export interface DumpEntry {
  readonly name: string;
  readonly port: number;
  /** epmd prints the socket's file descriptor; beamlink prints its connection number. */
  readonly fd: number;
}

/**
 * Encodes the DUMP reply as epmd does: the port, then `active name     <N> at port P, fd = F\n`
 * for each registered node and `old/unused name <N>, port = P, fd = F \n` for names seen
 * before; each line ends with a NUL byte (epmd sends the C string's terminator).
 *
 * @example
 * ```ts
 * encodeDumpResp(4369, [{ name: 'a', port: 1, fd: 7 }], []).subarray(4).toString()
 * // 'active name     <a> at port 1, fd = 7\n\0'
 * ```
 */
export function encodeDumpResp(
  epmdPort: number,
  active: readonly DumpEntry[],
  old: readonly DumpEntry[],
): Buffer {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(epmdPort >>> 0, 0);
  const lines = [
    ...active.map((e) => `active name     <${e.name}> at port ${e.port}, fd = ${e.fd}\n\0`),
    ...old.map((e) => `old/unused name <${e.name}>, port = ${e.port}, fd = ${e.fd} \n\0`),
  ];
  return Buffer.concat([head, Buffer.from(lines.join(''), 'utf8')]);
}

/**
 * KILL_REQ replies: `OK` (the daemon stops) or `NO` (nodes are registered).
 *
 * @example
 * ```ts
 * if ((await kill()) === KILL_OK) console.log('stopped');
 * ```
 */
export const KILL_OK = 'OK';
/**
 * See `KILL_OK`.
 *
 * @example
 * ```ts
 * if ((await kill()) === KILL_NO) console.log('nodes are still registered');
 * ```
 */
export const KILL_NO = 'NO';
/**
 * STOP_REQ replies.
 *
 * @example
 * ```ts
 * socket.end(found ? STOP_STOPPED : STOP_NOEXIST);
 * ```
 */
export const STOP_STOPPED = 'STOPPED';
/**
 * See `STOP_STOPPED`.
 *
 * @example
 * ```ts
 * socket.end(found ? STOP_STOPPED : STOP_NOEXIST); // NOEXIST: no such name was registered
 * ```
 */
export const STOP_NOEXIST = 'NOEXIST';
