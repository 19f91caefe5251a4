// Helpers for the dist interop tests: a listening server, dialling, local pids, a tiny
// net_kernel responder (answers net_adm:ping) and a transport whose writes can be muted.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { Connection } from '../../../src/dist/connection.ts';
import type { ControlMessage } from '../../../src/dist/control-message.ts';
import { tcpTransport, type Transport } from '../../../src/dist/transport.ts';
import { Atom, Pid, Tuple, atom, ImproperList, Ref, type Term } from '../../../src/term/types.ts';

export async function dial(port: number): Promise<Socket> {
  const s = connect({ port, host: '127.0.0.1' });
  await once(s, 'connect');
  return s;
}

export interface Listener {
  server: Server;
  port: number;
  next(): Promise<Socket>;
  close(): Promise<void>;
}

export async function listen(): Promise<Listener> {
  const queue: Socket[] = [];
  const waiters: ((s: Socket) => void)[] = [];
  const server = createServer((s) => {
    const w = waiters.shift();
    if (w) w(s);
    else queue.push(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    server,
    port,
    next: () => {
      const s = queue.shift();
      return s ? Promise.resolve(s) : new Promise((r) => waiters.push(r));
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let pidCounter = 100;
export function localPid(node: string, creation: number): Pid {
  return new Pid(atom(node), pidCounter++, 0, creation);
}

/** Answers `{'$gen_call', {From, Tag}, {is_auth, _}}` to net_kernel with `{Tag, yes}`. */
export function answerPing(conn: Connection, self: Pid): void {
  conn.on('message', (m) => {
    if (m.op !== 'REG_SEND' || m.to.name !== 'net_kernel') return;
    const msg = m.message;
    if (!(msg instanceof Tuple) || msg.length !== 3) return;
    const [label, from, req] = msg.elements;
    if (!(label instanceof Atom) || label.name !== '$gen_call') return;
    if (!(from instanceof Tuple) || !(req instanceof Tuple)) return;
    const [caller, tag] = from.elements;
    if (!(caller instanceof Pid)) return;
    const r0 = req.elements[0];
    if (r0 instanceof Atom && r0.name === 'is_auth') {
      conn.send({ op: 'SEND', from: self, to: caller, message: new Tuple([tag as Term, atom('yes')]) });
    }
  });
}

/** Collects messages; `waitFor` resolves with the first (past or future) that matches. */
export class Inbox {
  readonly messages: ControlMessage[] = [];
  private waiters: (() => void)[] = [];

  constructor(conn: Connection) {
    conn.on('message', (m) => {
      this.messages.push(m);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  async waitFor(match: (m: ControlMessage) => boolean, timeoutMs = 20_000): Promise<ControlMessage> {
    const deadline = Date.now() + timeoutMs;
    let seen = 0;
    for (;;) {
      for (; seen < this.messages.length; seen++) if (match(this.messages[seen]!)) return this.messages[seen]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message in ${timeoutMs} ms; got ${this.messages.map((m) => m.op).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** A TCP transport whose writes can be dropped on the floor (to make us go silent). */
export function mutableTransport(socket: Socket): Transport & { muted: boolean } {
  const inner = tcpTransport(socket);
  const t = {
    muted: false,
    write: (data: Uint8Array) => (t.muted ? true : inner.write(data)),
    get pendingBytes() {
      return inner.pendingBytes;
    },
    close: () => inner.close(),
    get closed() {
      return inner.closed;
    },
    onData: inner.onData,
    onClose: inner.onClose,
    onDrain: inner.onDrain,
    description: inner.description,
  };
  return t;
}

export function isAtom(t: Term | undefined, name: string): boolean {
  return t instanceof Atom && t.name === name;
}

export { ImproperList, Ref };
