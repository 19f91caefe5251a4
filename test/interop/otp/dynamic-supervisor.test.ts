// DynamicSupervisor against real Elixir (both releases when elixir is installed):
// - Elixir's DynamicSupervisor module calling a beamlink DynamicSupervisor by {Name, Node};
// - beamlink's DynamicSupervisor client calling an Elixir DynamicSupervisor;
// - the shared DynamicSupervisor contract against Elixir's (by pid and by {Name, Node}).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BeamNode } from '../../../src/kernel/start-node.ts';
import { DynamicSupervisor } from '../../../src/otp/dynamic-supervisor.ts';
import type { Process } from '../../../src/process/index.ts';
import { decode } from '../../../src/term/decode.ts';
import { atom, Pid, Tuple, tuple } from '../../../src/term/types.ts';
import {
  dynamicSupervisorContract,
  elixirWorker,
  type DynamicSupervisorTarget,
} from '../../contract/dynamic-supervisor.contract.ts';
import {
  erlangReleases,
  interopSkipReason,
  type ErlangPeer,
  type ErlangRelease,
} from '../../support/erlang-peer.ts';
import { startPeerAndNode, stopPeerAndNode, type PeerAndNode } from './peer-setup.ts';

const skip = interopSkipReason();
const COOKIE = 'dynsup_cookie';

// One Elixir peer and one beamlink node per release, shared by every block of the file.
const peers = new Map<string, PeerAndNode>();
const withElixir = skip ? [] : erlangReleases().filter((r) => r.elixir);
const sharedFor = (release: ErlangRelease) => (): PeerAndNode => {
  const s = peers.get(release.label);
  assert.ok(s, `the ${release.label} Elixir peer did not start`);
  return s;
};
before(async () => {
  for (const release of withElixir) {
    peers.set(
      release.label,
      await startPeerAndNode(release, {
        prefix: 'ds',
        cookie: COOKIE,
        elixir: true,
        erlFiles: ['contract_sup.erl'],
      }),
    );
  }
});
after(async () => {
  for (const s of peers.values()) await stopPeerAndNode(s);
});

function elixirTarget(
  shared: () => PeerAndNode,
  byName: boolean,
): () => Promise<DynamicSupervisorTarget> {
  return async () => {
    const { erl: ex, node } = shared();
    return {
      label: `Elixir DynamicSupervisor by ${byName ? 'name' : 'pid'}`,
      client: node.runtime,
      worker: elixirWorker,
      async start(contractName) {
        // Both targets share one peer: keep their registered names apart.
        const name = `${contractName}_${byName ? 'n' : 'p'}`;
        await ex.evalElixir(
          `{:ok, ds} = DynamicSupervisor.start_link(name: :${name}, strategy: :one_for_one, ` +
            `max_children: 3, max_restarts: 3, max_seconds: 5); Process.unlink(ds)`,
        );
        const pid = decode((await ex.evalFull(`whereis(${name}).`)).bytes) as Pid;
        assert.ok(pid instanceof Pid);
        return { dest: byName ? ([name, ex.node] as const) : pid, pid };
      },
    };
  };
}

describe(
  'interop/otp dynamic supervisor contract: beamlink client, Elixir DynamicSupervisor',
  { skip },
  () => {
    for (const release of skip ? [] : erlangReleases()) {
      describe(
        `${release.label}, by {Name, Node}`,
        { skip: !release.elixir && 'elixir not installed' },
        () => dynamicSupervisorContract(elixirTarget(sharedFor(release), true)),
      );
      describe(
        `${release.label}, by pid`,
        { skip: !release.elixir && 'elixir not installed' },
        () => dynamicSupervisorContract(elixirTarget(sharedFor(release), false)),
      );
    }
  },
);

const idle = (s: Process) =>
  s.spawnLink(async (self) => {
    const m = await self.receive();
    if (m instanceof Tuple && m.elements[0] === atom('crash')) self.exit(m.elements[1]!);
  });

describe('interop/otp dynamic supervisor: against a real elixir node', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, { skip: !release.elixir && 'elixir not installed' }, () => {
      let ex: ErlangPeer;
      let node: BeamNode;
      let n = 0;
      before(() => {
        ({ erl: ex, node } = sharedFor(release)());
      });

      it('Elixir reads and drives a beamlink DynamicSupervisor', async () => {
        const name = `ts_dsup_${++n}`;
        const sup = await DynamicSupervisor.start(node.runtime, { name, maxChildren: 2 });
        for (const id of ['x', 'y']) {
          const r = await DynamicSupervisor.startChild(node.runtime, sup, {
            id,
            start: idle,
            modules: ['Elixir.Idle'],
          });
          assert.equal(r.ok, true);
        }
        const dest = `{:${name}, :"${node.name}"}`;
        assert.match(
          await ex.evalElixir(`DynamicSupervisor.which_children(${dest})`),
          // (the peer prints results with Erlang syntax)
          /^\[\{undefined,<\d+\.\d+\.\d+>,worker,\['Elixir\.Idle'\]\},\{undefined,<\d+\.\d+\.\d+>,worker,\['Elixir\.Idle'\]\}\]$/,
        );
        assert.equal(
          await ex.evalElixir(
            `DynamicSupervisor.count_children(${dest}) == %{active: 2, specs: 2, supervisors: 0, workers: 2}`,
          ),
          'true',
        );
        assert.equal(
          await ex.evalElixir(
            `[{_, p, _, _} | _] = DynamicSupervisor.which_children(${dest}); ref = Process.monitor(p); ` +
              `r1 = DynamicSupervisor.terminate_child(${dest}, p); ` +
              `why = receive do {:DOWN, ^ref, _, _, why} -> why after 5000 -> :no_down end; ` +
              `{r1, why, DynamicSupervisor.terminate_child(${dest}, p)}`,
          ),
          '{ok,shutdown,{error,not_found}}',
        );
        assert.equal(
          await ex.evalElixir(
            `DynamicSupervisor.count_children(${dest}) == %{active: 1, specs: 1, supervisors: 0, workers: 1}`,
          ),
          'true',
        );
        await DynamicSupervisor.stop(node.runtime, sup);
      });

      it('beamlink reads and drives an Elixir DynamicSupervisor', async () => {
        const name = `ex_dsup_${++n}`;
        await ex.evalElixir(
          `{:ok, ds} = DynamicSupervisor.start_link(name: :${name}, strategy: :one_for_one); Process.unlink(ds); ` +
            `for _ <- 1..2, do: {:ok, _} = DynamicSupervisor.start_child(:${name}, {Agent, fn -> 0 end})`,
        );
        const dest = [name, ex.node] as const;
        const children = await DynamicSupervisor.whichChildren(node.runtime, dest);
        assert.deepEqual(
          children.map((c) => [c.id, c.child instanceof Pid, c.type, c.modules]),
          [
            [atom('undefined'), true, 'worker', [atom('Elixir.Agent')]],
            [atom('undefined'), true, 'worker', [atom('Elixir.Agent')]],
          ],
        );
        assert.deepEqual(await DynamicSupervisor.countChildren(node.runtime, dest), {
          specs: 2,
          active: 2,
          supervisors: 0,
          workers: 2,
        });
        // Elixir's wire form of a child: {{M, F, A}, Restart, Shutdown, Type, Modules}.
        const started = await DynamicSupervisor.startChild(
          node.runtime,
          dest,
          tuple(
            tuple(atom('gen_event'), atom('start_link'), []),
            atom('temporary'),
            5000,
            atom('worker'),
            [atom('gen_event')],
          ),
        );
        assert.ok(started.ok && started.pid instanceof Pid);
        assert.equal(started.pid.node.name, ex.node);
        assert.deepEqual(await DynamicSupervisor.terminateChild(node.runtime, dest, started.pid), {
          ok: true,
        });
        assert.deepEqual(await DynamicSupervisor.terminateChild(node.runtime, dest, started.pid), {
          ok: false,
          reason: atom('not_found'),
        });
        assert.equal((await DynamicSupervisor.countChildren(node.runtime, dest)).active, 2);
      });
    });
  }
});
