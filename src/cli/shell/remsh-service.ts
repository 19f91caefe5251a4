/**
 * The target side of `beamlink remsh`: a process registered as `beamlink_remsh` that
 * opens a shell session for a peer — the same REPL as `beamlink shell`, evaluating on
 * this node, its input and output carried as distribution messages.
 *
 * Trust: as in Erlang, the cookie is the boundary. A node that passed the handshake may
 * already do anything here through rpc; `beamlink_remsh` adds a JS REPL with the same
 * reach. Set `BEAMLINK_REMSH=off` in the node's environment to leave it out.
 *
 * Protocol (all plain messages):
 *
 * | from → to | message |
 * | --- | --- |
 * | client → `beamlink_remsh` | `{:open, client_pid, %{colour: bool}}` |
 * | `beamlink_remsh` → client | `{:remsh_opened, session_pid}` |
 * | client → session | `{:remsh_in, "text typed"}` |
 * | session → client | `{:remsh_out, session_pid, "text to print"}` |
 * | session → client | `{:remsh_closed, session_pid}` (the REPL ended) |
 *
 * The session monitors the client and ends when it goes away.
 *
 * @module
 */
import { PassThrough, Writable } from 'node:stream';
import type { BeamNode, NodeService } from '../../kernel/index.ts';
import { rpcOf } from '../../rpc/index.ts';
import { sameRef } from '../../process/pid.ts';
import { Pid, Ref, Tuple, atom, type Term } from '../../term/types.ts';
import { startShell } from './repl.ts';

/** The registered name of the remsh server. */
export const REMSH_NAME = 'beamlink_remsh';

const OPEN = atom('open');
const IN = atom('remsh_in');
const DOWN = atom('DOWN');

function isTag(m: Term | undefined, tag: ReturnType<typeof atom>, size: number): m is Tuple {
  return m instanceof Tuple && m.elements.length === size && m.elements[0] === tag;
}

function openSession(node: BeamNode, client: Pid, colour: boolean): Pid {
  return node.spawn(
    async (self) => {
      const input = new PassThrough();
      // One line at a time: the next line goes in once the REPL shows a prompt again, so
      // a line awaiting a promise finishes before the next one is read (pasted or piped
      // input stays in order).
      const lines: string[] = [];
      let partial = '';
      let ready = false;
      const pump = () => {
        while (ready && lines.length > 0) {
          ready = false;
          input.write(lines.shift()!);
        }
      };
      const output = new Writable({
        write(chunk: Buffer | string, _enc, done) {
          const text = String(chunk);
          self.send(client, new Tuple([atom('remsh_out'), self.pid, text]));
          if (/(?:\d+> |\.\.\. )$/.test(text)) {
            ready = true;
            pump();
          }
          done();
        },
      });
      const feed = (text: string) => {
        partial += text;
        const parts = partial.split('\n');
        partial = parts.pop()!;
        for (const l of parts) lines.push(`${l}\n`);
        pump();
      };
      const mref = self.monitor(client);
      const finished = startShell({
        node,
        rpc: rpcOf(node)!,
        input,
        output,
        colour,
        historyFile: '',
        label: 'remsh',
      }).then(() => 'done' as const);
      for (;;) {
        const next = await Promise.race([finished, self.receive()]);
        if (next === 'done') break;
        if (isTag(next, IN, 2) && typeof next.elements[1] === 'string') feed(next.elements[1]);
        else if (
          isTag(next, DOWN, 5) &&
          next.elements[1] instanceof Ref &&
          sameRef(next.elements[1], mref)
        ) {
          input.end();
          await finished;
          return;
        }
      }
      self.send(client, new Tuple([atom('remsh_closed'), self.pid]));
    },
    { label: 'beamlink_remsh_session' },
  );
}

/**
 * The `beamlink_remsh` server as a node service (part of the CLI's services unless
 * `BEAMLINK_REMSH=off`).
 *
 * @example
 * ```ts
 * await startNode({ sname: 'ts1', services: [rpcService(), remshService] });
 * // elsewhere: npx beamlink remsh ts1
 * ```
 */
export const remshService: NodeService = (node) => {
  if (process.env.BEAMLINK_REMSH === 'off') return;
  node.spawn(
    (self) => {
      self.handle((m) => {
        if (!isTag(m, OPEN, 3) || !(m.elements[1] instanceof Pid)) return;
        const client = m.elements[1];
        const opts = m.elements[2];
        const colour =
          typeof opts === 'object' &&
          opts !== null &&
          (opts as Record<string, Term>).colour === true;
        const session = openSession(node, client, colour);
        self.send(client, new Tuple([atom('remsh_opened'), session]));
      });
    },
    { name: REMSH_NAME },
  );
};
