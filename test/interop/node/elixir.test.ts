// startNode() from Elixir's side (iex-style code on a real elixir node, both releases when
// installed): Node.ping, Node.list, send to a registered beamlink process, GenServer.call
// to a beamlink GenServer; pids print as Elixir prints them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNode, type BeamNode } from '../../../src/kernel/start-node.ts';
import { GenServer } from '../../../src/otp/index.ts';
import { memoryLogger } from '../../../src/process/logger.ts';
import { format } from '../../../src/term/format.ts';
import { atom, Pid, Tuple, type Term } from '../../../src/term/types.ts';
import { ContractServer } from '../../contract/contract-server.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';

const skip = interopSkipReason();
const COOKIE = 'elixir_cookie';

describe('kernel/start-node: against a real elixir node', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, { skip: !release.elixir && 'elixir not installed' }, () => {
      let epmd: EpmdProcess;
      let ex: ErlangPeer;
      let node: BeamNode;
      before(async () => {
        epmd = await EpmdProcess.start();
        ex = await ErlangPeer.start({
          release,
          elixir: true,
          epmdPort: epmd.port,
          sname: uniqueName('ex'),
          cookie: COOKIE,
        });
        node = await startNode({
          sname: uniqueName('tsx'),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: memoryLogger(),
        });
      });
      after(async () => {
        await node?.stop();
        await ex?.stop();
        await epmd?.stop();
      });

      it('Node.ping answers :pong and Node.list shows us', async () => {
        assert.equal(await ex.evalElixir(`Node.ping(:"${node.name}")`), 'pong');
        assert.equal(await ex.evalElixir(`Node.list() == [:"${node.name}"]`), 'true');
        assert.equal(await node.ping(ex.node), 'pong');
      });

      it('send/2 and GenServer.call reach beamlink processes; pids print as Elixir prints them', async () => {
        const got: Term[] = [];
        const local = node.spawn(
          async (self) => {
            for (;;) got.push((await self.receive())!);
          },
          { name: 'inbox' },
        );
        await ex.evalElixir(`send({:inbox, :"${node.name}"}, {:hello, self()})`);
        await new Promise<void>((resolve, reject) => {
          const deadline = Date.now() + 10_000;
          const poll = (): void => {
            if (got.length > 0) return resolve();
            if (Date.now() > deadline) return reject(new Error('no message'));
            setTimeout(poll, 20);
          };
          poll();
        });
        const msg = got[0] as Tuple;
        assert.equal(msg.elements[0], atom('hello'));
        const remote = msg.elements[1] as Pid;
        assert.ok(remote instanceof Pid);
        assert.match(format(remote), /^#PID<[1-9]\d*\.\d+\.\d+>$/);
        assert.match(format(local), /^#PID<0\.\d+\.\d+>$/);

        await GenServer.start(node.runtime, new ContractServer(), 5, { name: 'Elixir.Counter' });
        assert.equal(await ex.evalElixir(`GenServer.call({Counter, :"${node.name}"}, :get)`), '5');
        assert.equal(
          await ex.evalElixir(
            `GenServer.call({Counter, :"${node.name}"}, {:echo, %{a: [1, "two"]}})`,
          ),
          '#{a => [1,<<"two">>]}',
        );
      });
    });
  }
});
