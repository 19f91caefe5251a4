// Three beamlink nodes and one erl, both releases: connections among the beamlink nodes
// become transitive, the erl node is left alone (no gossip reaches a BEAM process, no
// error report), global:sync() works with all of them; a simultaneous connect between erl
// and beamlink ends with exactly one connection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNode, type BeamNode } from '../../../src/kernel/start-node.ts';
import type { NodeEvent } from '../../../src/node/events.ts';
import { memoryLogger } from '../../../src/process/logger.ts';
import { atom } from '../../../src/term/types.ts';
import {
  EpmdProcess,
  ErlangPeer,
  erlangReleases,
  interopSkipReason,
  uniqueName,
} from '../../support/erlang-peer.ts';
import { ChildNode } from '../../cluster/child-node.ts';
import { waitFor } from './fake-handler.ts';

const skip = interopSkipReason();
const COOKIE = 'mixed_cookie';
const names = (n: BeamNode): string[] =>
  n
    .nodes()
    .map((a) => a.name)
    .sort();

describe('kernel/mixed cluster: beamlink nodes and erl', { skip }, () => {
  for (const release of skip ? [] : erlangReleases()) {
    describe(release.label, () => {
      let epmd: EpmdProcess;
      let erl: ErlangPeer;
      const nodes: BeamNode[] = [];
      const start = async (prefix: string): Promise<BeamNode> => {
        const n = await startNode({
          sname: uniqueName(prefix),
          cookie: COOKIE,
          epmdPort: epmd.port,
          logger: memoryLogger(),
        });
        nodes.push(n);
        return n;
      };

      before(async () => {
        epmd = await EpmdProcess.start();
        erl = await ErlangPeer.start({
          release,
          epmdPort: epmd.port,
          sname: uniqueName('merl'),
          cookie: COOKIE,
        });
      });
      after(async () => {
        for (const n of nodes) await n.stop();
        await erl?.stop();
        await epmd?.stop();
      });

      it('beamlink nodes connect transitively; erl sees only whom it connected to', async () => {
        const a = await start('ma');
        const b = await start('mb');
        const c = await start('mc');
        assert.equal(await erl.eval(`net_adm:ping('${a.name}').`), 'pong');
        assert.equal(await b.connect(a.name), true);
        assert.equal(await c.connect(b.name), true);
        await waitFor(
          () =>
            [a, b, c].every((n) => [a, b, c].every((m) => m === n || names(n).includes(m.name))),
          15_000,
          'a full mesh of beamlink nodes',
        );
        assert.deepEqual(names(a), [erl.node, b.name, c.name].sort());
        // Nothing made B or C connect to erl, and erl did not learn of them.
        assert.equal(b.connectionState(erl.node), undefined);
        assert.equal(c.connectionState(erl.node), undefined);
        assert.equal(await erl.eval('nodes().'), `[${a.name}]`);
        assert.equal(await erl.eval('global:sync().', 20_000), 'ok');
        // The gossip REG_SENDs to erl were dropped silently: no error report on erl.
        assert.doesNotMatch(erl.log.join(''), /error|crash|badarg/i);
      });

      it('across OS processes: two child beamlink nodes and this one mesh; erl is left alone', async () => {
        const children: ChildNode[] = [];
        try {
          const x = await ChildNode.start(uniqueName('mx'), epmd.port, COOKIE);
          children.push(x);
          const y = await ChildNode.start(uniqueName('my'), epmd.port, COOKIE);
          children.push(y);
          const hub = await start('mhub');
          assert.equal(await erl.eval(`net_adm:ping('${hub.name}').`), 'pong');
          assert.equal(await hub.connect(x.name), true);
          assert.equal(await hub.connect(y.name), true);
          for (const c of [x, y]) {
            const want = [hub.name, c === x ? y.name : x.name].sort();
            const deadline = Date.now() + 15_000;
            for (;;) {
              const seen = (await c.request('nodes')).split(',').filter(Boolean).sort();
              if (JSON.stringify(seen) === JSON.stringify(want)) break;
              if (Date.now() > deadline) throw new Error(`${c.name} sees ${seen.join(',')}`);
              await new Promise((r) => setTimeout(r, 100));
            }
          }
          assert.equal(
            await erl.eval(`[N || N <- nodes(), N =:= '${x.name}' orelse N =:= '${y.name}'].`),
            '[]',
          );
          assert.equal(await erl.eval('global:sync().', 20_000), 'ok');
          assert.doesNotMatch(erl.log.join(''), /error|crash|badarg/i);
        } finally {
          for (const c of children) await c.stop();
        }
      });

      it('erl connecting to every beamlink node keeps global:sync() working', async () => {
        for (const n of nodes) {
          assert.equal(await erl.eval(`net_adm:ping('${n.name}').`), 'pong');
        }
        assert.equal(await erl.eval('length(nodes()).'), String(nodes.length));
        assert.equal(await erl.eval('global:sync().', 20_000), 'ok');
        assert.equal(
          await erl.eval(`global:trans({mixed_lock, self()}, fun() -> locked end).`, 20_000),
          'locked',
        );
      });

      it('simultaneous connect with erl ends with exactly one connection', async () => {
        for (let round = 0; round < 3; round++) {
          const t = await start('msim');
          const events: NodeEvent[] = [];
          t.monitorNodes((e) => events.push(e));
          const [fromErl, fromTs] = await Promise.all([
            erl.eval(`net_kernel:connect_node('${t.name}').`),
            t.connect(erl.node),
          ]);
          assert.equal(fromErl, 'true');
          assert.equal(fromTs, true);
          await new Promise((r) => setTimeout(r, 300));
          assert.deepEqual(
            events.filter((e) => e.node.name === erl.node).map((e) => e.type),
            ['nodeup'],
          );
          assert.equal(await erl.eval(`length([N || N <- nodes(), N =:= '${t.name}']).`), '1');
          assert.equal(await t.ping(erl.node), 'pong');
          assert.equal(t.connectionState(erl.node), 'up');
        }
      });

      it('gossip: a hello goes to a node we connect to, none to an erl that connects to us', async () => {
        // A collector on erl under the gossip name (erl has none): it sees what a beamlink
        // node's gossip process would see.
        await erl.eval(
          `GossipLog = spawn(fun() -> (fun Loop(Acc) -> receive {get, P} -> P ! {got, lists:reverse(Acc)}, Loop(Acc); stop -> ok; M -> Loop([M | Acc]) end end)([]) end), register(beamlink_node_gossip, GossipLog), ok.`,
        );
        let asked = 0; // the shell keeps bindings: a fresh variable per question
        const got = async (want: number, hellos = 0): Promise<string> => {
          let seen = '';
          await waitFor(
            async () => {
              const v = `GossipGot${++asked}`;
              seen = await erl.eval(
                `GossipLog ! {get, self()}, receive {got, ${v}} -> ${v} after 5000 -> timeout end.`,
              );
              return (
                (seen.match(/marker/g) ?? []).length >= want &&
                (seen.match(/beamlink_hello/g) ?? []).length >= hellos
              );
            },
            15_000,
            `${want} marker(s) and ${hellos} hello(s) at erl's collector`,
          );
          return seen;
        };
        try {
          // erl connects to us: nothing but our marker, which goes out after nodeup.
          const inbound = await start('mgin');
          assert.equal(await erl.eval(`net_adm:ping('${inbound.name}').`), 'pong');
          inbound.runtime.send([atom('beamlink_node_gossip'), atom(erl.node)], atom('marker'));
          assert.equal(await got(1), '[marker]');
          // We connect to erl: a hello (one event-loop turn after nodeup, so after the
          // connection's first write: here after the marker sent as connect resolves).
          const outbound = await start('mgout');
          assert.equal(await outbound.connect(erl.node), true);
          outbound.runtime.send([atom('beamlink_node_gossip'), atom(erl.node)], atom('marker'));
          assert.match(
            await got(2, 1),
            new RegExp(
              `^\\[marker,marker,\\{beamlink_hello,1,'?${outbound.name}'?,\\[[^\\]]*\\]\\}\\]$`,
            ),
          );
        } finally {
          await erl.eval('GossipLog ! stop, ok.');
        }
      });
    });
  }
});
