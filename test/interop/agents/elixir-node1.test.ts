// The other way round: a real Elixir node is node1 running the lesson's framework in
// Elixir (test/interop/agents/elixir-framework.ts), and beamlink is node2 running the
// lesson's node2 lines through its rpc client, calling the Elixir agent's pid with the
// typed AgentServer client, and watching node1 with its ClusterMonitor. Both releases.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  AgentServer,
  agentsOf,
  agentsService,
  type AgentFramework,
} from '../../../src/agents/index.ts';
import type { BeamNode } from '../../../src/kernel/start-node.ts';
import { Pid, Tuple, atom, tuple } from '../../../src/term/types.ts';
import type { EpmdProcess, ErlangPeer } from '../../support/erlang-peer.ts';
import { startPeerWithEpmd } from '../../support/peer-with-epmd.ts';
import { describeReleases } from '../../support/releases.ts';
import { startTestNode } from '../../support/test-node.ts';
import { ELIXIR_FRAMEWORK } from './elixir-framework.ts';
import { until } from '../../support/wait.ts';

const COOKIE = 'agent_secret';
const AS = 'Elixir.AgentFramework.AgentServer';
const SUP = 'Elixir.AgentFramework.AgentSupervisor';
const DIR = 'Elixir.AgentFramework.AgentDirectory';

describeReleases(
  'agents: an Elixir node1 running the framework, beamlink as node2',
  { elixir: true },
  (release) => {
    let epmd: EpmdProcess;
    let ex: ErlangPeer;
    let node2: BeamNode;
    let fw2: AgentFramework;

    before(async () => {
      ({ epmd, peer: ex } = await startPeerWithEpmd(release, {
        sname: 'node1',
        cookie: COOKIE,
        elixir: true,
      }));
      await ex.evalElixir('Process.register(self(), :beamlink_boot)');
      assert.equal(await ex.evalElixir(ELIXIR_FRAMEWORK), 'ok');
      assert.equal(await ex.evalElixir('receive do :up -> :ok after 10_000 -> :timeout end'), 'ok');
      node2 = await startTestNode('node2', {
        cookie: COOKIE,
        epmdPort: epmd.port,
        services: [agentsService()],
      });
      fw2 = agentsOf(node2)!;
    });
    after(async () => {
      await node2?.stop();
      await ex?.stop();
      await epmd?.stop();
    });

    it('agents/lesson: Exercise 1 with beamlink as node2 against Elixir agents', async () => {
      assert.equal(await node2.connect(ex.node), true);
      assert.deepEqual(await fw2.rpc.call(ex.node, 'Elixir.Node', 'self', []), atom(ex.node));
      const started = await fw2.rpc.call(ex.node, SUP, 'start_agent', ['Worker-1']);
      assert.ok(started instanceof Tuple && started.elements[0] === atom('ok'));
      const w1 = started.elements[1] as Pid;
      assert.equal(w1.node.name, ex.node);
      assert.equal(
        await fw2.rpc.call(ex.node, AS, 'remember', [w1, atom('origin'), 'node1']),
        atom('ok'),
      );
      assert.equal(await fw2.rpc.call(ex.node, AS, 'recall', [w1, atom('origin')]), 'node1');
      assert.equal(
        await fw2.rpc.call(ex.node, AS, 'send_task', [
          w1,
          atom('search'),
          { query: 'distributed' },
        ]),
        atom('ok'),
      );
      const r = (await fw2.rpc.call(ex.node, AS, 'process_next', [w1])) as Tuple;
      assert.equal(r.elements[0], atom('ok'));
      assert.deepEqual(r.elements[2], tuple(atom('ok'), 'Search results for: distributed'));
      // beamlink's typed client talks to the Elixir agent's pid directly
      const s = await AgentServer.getState(node2.runtime, w1);
      assert.equal(s.name, 'Worker-1');
      assert.equal(s.status, 'idle');
      assert.equal(s.memory.get(atom('origin')), 'node1');
      assert.equal(s.node, ex.node);
      await AgentServer.sendTask(node2.runtime, w1, 'search', { query: 'OTP' });
      const next = await AgentServer.processNext(node2.runtime, w1);
      assert.ok(next.ok);
      assert.deepEqual(next.result, tuple(atom('ok'), 'Search results for: OTP'));
      assert.deepEqual(await AgentServer.processNext(node2.runtime, w1), {
        ok: false,
        reason: 'empty',
      });
      assert.deepEqual(await fw2.rpc.call(ex.node, SUP, 'list_agents', []), [w1]);
      assert.deepEqual(
        await fw2.rpc.call(ex.node, SUP, 'whereis', ['Worker-1']),
        tuple(atom('ok'), w1),
      );
      // the beamlink router finds the Elixir agent by asking every node's supervisor
      assert.deepEqual(await fw2.router.findAgent('Worker-1'), { node: ex.node, pid: w1 });
      // Exercise 3: node1's ETS directory is node1's
      assert.equal(
        await fw2.rpc.call(ex.node, DIR, 'register', ['Worker-1', atom(ex.node), w1]),
        atom('ok'),
      );
      assert.deepEqual(
        await fw2.rpc.call(ex.node, DIR, 'lookup', ['Worker-1']),
        tuple(atom('ok'), tuple(atom(ex.node), w1)),
      );
      assert.equal(fw2.directory.lookup('Worker-1'), undefined);
    });

    it('agents/lesson: Exercise 2 with Elixir as node1 watching, beamlink node2 leaving and coming back', async () => {
      await ex.evalElixir(':net_kernel.monitor_nodes(true)');
      const seen = fw2.notices.length;
      assert.equal(node2.disconnect(ex.node), true);
      assert.equal(
        await ex.evalElixir(
          'receive do {:nodedown, node} -> {:lost, node} after 10000 -> :no_events end',
        ),
        `{lost,${node2.name}}`,
      );
      await until(
        () => fw2.notices.slice(seen).some((n) => n.type === 'nodedown' && n.node === ex.node),
        'node2 ClusterMonitor saw node1 go',
      );
      assert.equal(await node2.connect(ex.node), true);
      assert.equal(
        await ex.evalElixir(
          'receive do {:nodeup, node} -> {:reconnected, node} after 10000 -> :no_events end',
        ),
        `{reconnected,${node2.name}}`,
      );
      await ex.evalElixir(':net_kernel.monitor_nodes(false)');
      await until(
        () => fw2.notices.slice(seen).some((n) => n.type === 'nodeup' && n.node === ex.node),
        'node2 ClusterMonitor saw node1 back',
      );
    });
  },
);
