// The floor under the dist scenario's `BEAM→beamlink` connect row: the least a Node
// process can do to accept an erl node's connection and answer its `net_adm:ping`, with
// none of beamlink's code on the way (only its port mapper client, to register once at
// start). It registers a published node, accepts the handshake (version 6: send_name,
// `sok`, challenge, challenge_reply with its digest checked, challenge_ack), then reads
// pass-through frames (`p`: it advertises neither the atom cache nor fragments) and
// answers the one message a ping waits for, `{'$gen_call', {Pid, Tag}, {is_auth, Node}}`
// to `net_kernel`, with `{Tag, yes}` sent to Pid. Everything else erl sends (the monitor
// of net_kernel, global's init_connect, ticks) is read and dropped. It sends no ticks, so
// erl drops a connection to it after net_ticktime (60 s) of silence: far longer than the
// connect measurements keep one.
//
// The digests and the challenge are beamlink's (digest.ts, pure functions): MD5 in
// JavaScript costs about 25 µs on a cold connect where OpenSSL's createHash costs ~90 µs,
// and the floor should be the least a Node process needs.
//
// Commands of node-worker.ts: `handshakeFloorStart` (name, cookie, port mapper port) →
// the node's full name, `handshakeFloorStop`.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { hostname } from 'node:os';
import { genChallenge, genDigest } from '../../src/dist/digest.ts';
import { register, type Registration } from '../../src/epmd/index.ts';

// OTP 25's mandatory flags (EXTENDED_REFERENCES, FUN_TAGS, NEW_FUN_TAGS,
// EXTENDED_PIDS_PORTS, EXPORT_PTR_TAG, BIT_BINARIES, NEW_FLOATS, UTF8_ATOMS, MAP_TAG,
// BIG_CREATION, HANDSHAKE_23) and OTP 26's (UNLINK_ID, V4_NC), PUBLISHED, DIST_MONITOR
// (a ping's gen:call monitors net_kernel first), ALIAS (its reply tag is an alias).
const FLAGS = 0x1 | 0x4 | 0x8 | 0x10 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800;
const FLAGS_MORE = 0x10000 | 0x20000 | 0x40000 | 0x1000000 | 0x2000000;
const FLAGS_HIGH = (1 << 2) | (1 << 3); // V4_NC (bit 34), ALIAS (bit 35)

let server: Server | undefined;
let registration: Registration | undefined;
let nodeName = '';
let cookie = '';
let creation = 0;

/** The MD5 digest of the cookie and a challenge, as dist_util's gen_digest makes it. */
function digest(challenge: number): Buffer {
  return genDigest(challenge, cookie);
}

/** Offset just past the term at `i` (the few tags a ping's messages hold). */
function skip(b: Buffer, i: number): number {
  const tag = b[i]!;
  switch (tag) {
    case 97: // SMALL_INTEGER
      return i + 2;
    case 98: // INTEGER
      return i + 5;
    case 119: // SMALL_ATOM_UTF8
      return i + 2 + b[i + 1]!;
    case 118: // ATOM_UTF8
    case 100: // ATOM
      return i + 3 + b.readUInt16BE(i + 1);
    case 88: // NEW_PID
      return skip(b, i + 1) + 12;
    case 90: // NEWER_REFERENCE
      return skip(b, i + 3) + 4 + 4 * b.readUInt16BE(i + 1);
    case 104: // SMALL_TUPLE
    case 105: {
      // LARGE_TUPLE
      const n = tag === 104 ? b[i + 1]! : b.readUInt32BE(i + 1);
      let j = i + (tag === 104 ? 2 : 5);
      for (let k = 0; k < n; k++) j = skip(b, j);
      return j;
    }
    case 106: // NIL
      return i + 1;
    case 108: {
      // LIST: elements and tail
      const n = b.readUInt32BE(i + 1);
      let j = i + 5;
      for (let k = 0; k <= n; k++) j = skip(b, j);
      return j;
    }
    case 116: {
      // MAP
      const n = b.readUInt32BE(i + 1);
      let j = i + 5;
      for (let k = 0; k < 2 * n; k++) j = skip(b, j);
      return j;
    }
    case 109: // BINARY
      return i + 5 + b.readUInt32BE(i + 1);
    default:
      return -1; // not a ping's: the frame is dropped
  }
}

/** Whether the atom at `i` is `name` (ASCII). */
function atomIs(b: Buffer, i: number, name: string): boolean {
  const tag = b[i];
  const at = tag === 119 ? i + 2 : i + 3;
  const len = tag === 119 ? b[i + 1] : tag === 118 || tag === 100 ? b.readUInt16BE(i + 1) : -1;
  return len === name.length && b.toString('latin1', at, at + len) === name;
}

/**
 * A pass-through frame (after its length): a REG_SEND `{6, From, _, net_kernel}` with
 * `{'$gen_call', {Pid, Tag}, {is_auth, _}}` gives the reply frame, anything else undefined.
 */
function reply(f: Buffer): Buffer | undefined {
  // 'p', 131, SMALL_TUPLE 4, SMALL_INTEGER 6
  if (f[0] !== 112 || f[1] !== 131 || f[2] !== 104 || f[3] !== 4 || f[4] !== 97 || f[5] !== 6)
    return undefined;
  let i = skip(f, 6); // From
  if (i < 0) return undefined;
  i = skip(f, i); // the unused cookie atom
  if (i < 0 || !atomIs(f, i, 'net_kernel')) return undefined;
  i = skip(f, i);
  // the message: 131, {'$gen_call', {Pid, Tag}, {is_auth, Node}}
  if (f[i] !== 131 || f[i + 1] !== 104 || f[i + 2] !== 3) return undefined;
  i += 3;
  if (!atomIs(f, i, '$gen_call')) return undefined;
  i = skip(f, i);
  if (f[i] !== 104 || f[i + 1] !== 2) return undefined;
  const pidAt = i + 2;
  const tagAt = skip(f, pidAt);
  const tagEnd = tagAt < 0 ? -1 : skip(f, tagAt);
  if (tagEnd < 0 || f[tagEnd] !== 104 || !atomIs(f, tagEnd + 2, 'is_auth')) return undefined;
  // SEND {2, '', Pid}, then {Tag, yes}
  const pid = f.subarray(pidAt, tagAt);
  const tag = f.subarray(tagAt, tagEnd);
  const body = Buffer.concat([
    Buffer.from([112, 131, 104, 3, 97, 2, 119, 0]),
    pid,
    Buffer.from([131, 104, 2]),
    tag,
    Buffer.from([119, 3, 0x79, 0x65, 0x73]),
  ]);
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

/** One accepted connection: the handshake's three steps, then 4-byte frames. */
function serve(sock: Socket): void {
  sock.setNoDelay(true);
  let buf: Buffer = Buffer.alloc(0);
  let step: 'name' | 'reply' | 'up' = 'name';
  let challenge = 0;
  sock.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    for (;;) {
      const head = step === 'up' ? 4 : 2;
      if (buf.length < head) return;
      const len = step === 'up' ? buf.readUInt32BE(0) : buf.readUInt16BE(0);
      if (buf.length < head + len) return;
      const m = buf.subarray(head, head + len);
      buf = buf.subarray(head + len);
      if (step === 'name') {
        // 'N', flags (8), creation (4), name length (2), name: answer ok, then challenge
        if (m[0] !== 0x4e) return void sock.destroy();
        challenge = genChallenge();
        const name = Buffer.from(nodeName, 'latin1');
        const c = Buffer.alloc(2 + 1 + 8 + 4 + 4 + 2 + name.length);
        c.writeUInt16BE(c.length - 2, 0);
        c[2] = 0x4e;
        c.writeUInt32BE(FLAGS_HIGH, 3);
        c.writeUInt32BE(FLAGS | FLAGS_MORE, 7);
        c.writeUInt32BE(challenge, 11);
        c.writeUInt32BE(creation, 15);
        c.writeUInt16BE(name.length, 19);
        name.copy(c, 21);
        sock.write(Buffer.concat([Buffer.from([0, 3, 0x73, 0x6f, 0x6b]), c]));
        step = 'reply';
      } else if (step === 'reply') {
        // 'r', their challenge (4), digest of ours (16): answer with the digest of theirs
        if (m[0] !== 0x72 || !m.subarray(5, 21).equals(digest(challenge)))
          return void sock.destroy();
        const ack = Buffer.alloc(19);
        ack.writeUInt16BE(17, 0);
        ack[2] = 0x61;
        digest(m.readUInt32BE(1)).copy(ack, 3);
        sock.write(ack);
        step = 'up';
      } else if (len > 0) {
        const r = reply(m);
        if (r) sock.write(r);
      }
    }
  });
  sock.on('error', () => sock.destroy());
}

/** Listens, registers `name@<short host>` with the port mapper, returns the full name. */
async function handshakeFloorStart(opts: {
  sname: string;
  cookie: string;
  epmdPort: number;
}): Promise<string> {
  cookie = opts.cookie;
  server = createServer(serve);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  registration = await register({ name: opts.sname, port, epmdPort: opts.epmdPort });
  creation = registration.creation;
  nodeName = `${opts.sname}@${hostname().split('.')[0]}`;
  return nodeName;
}

export const handshakeFloorCommands = {
  handshakeFloorStart,
  handshakeFloorStop: async () => {
    server?.close();
    await registration?.close();
  },
};
