import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Watchers } from '../../../src/process/watchers.ts';
import type { WatcherEntry } from '../../../src/process/process.ts';
import { atom, Pid, Ref } from '../../../src/term/types.ts';

const LOCAL = atom('a@host');
const REMOTE = atom('b@host');
const watcher = new Pid(REMOTE, 40, 0, 3);
/** A remote ref as each control message decodes it: a new object every time. */
const remoteRef = (i: number): Ref => new Ref(REMOTE, 3, [i, 0, 99]);
const localRef = (n: number): Ref => new Ref(LOCAL, 1, [n, 0, 5]);
const entry = (ref: Ref): WatcherEntry => ({ ref, watcher, name: null });

function model(w: Watchers): string[] {
  const out: string[] = [];
  w.forEach((e, num) => out.push(`${num}:${e.ref.ids[0]}`));
  return out.sort();
}

describe('Watchers', () => {
  it('finds a remote monitor by an equal ref decoded again (DEMONITOR_P)', () => {
    const w = new Watchers();
    w.setRemote(entry(remoteRef(1)));
    assert.equal(w.size, 1);
    assert.equal(w.deleteRemote(remoteRef(2)), false);
    assert.equal(w.deleteRemote(new Ref(REMOTE, 4, [1, 0, 99])), false, 'another creation');
    assert.equal(w.deleteRemote(new Ref(REMOTE, 3, [1, 0, 99, 0, 0])), false, 'more words');
    assert.equal(w.deleteRemote(remoteRef(1)), true);
    assert.equal(w.size, 0);
    assert.equal(w.deleteRemote(remoteRef(1)), false);
  });

  it('behaves as one map over local numbers and remote refs, inline or not', () => {
    const w = new Watchers();
    const expect = new Map<string, string>();
    let seed = 11;
    for (let i = 0; i < 4000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const id = 1 + (seed % 4);
      const remote = ((seed >> 4) & 1) === 1;
      const op = (seed >> 8) % 3;
      const k = `${remote ? -1 : id}:${id}`;
      if (op === 0) {
        if (remote) w.setRemote(entry(remoteRef(id)));
        else w.setLocal(id, entry(localRef(id)));
        expect.set(k, k);
      } else if (op === 1) {
        const had = remote ? w.deleteRemote(remoteRef(id)) : w.deleteLocal(id);
        assert.equal(had, expect.delete(k));
      }
      assert.equal(w.size, expect.size);
      assert.deepEqual(model(w), [...expect.keys()].sort());
    }
  });

  it('replaces an entry for the same ref in place', () => {
    const w = new Watchers();
    w.setRemote(entry(remoteRef(1)));
    w.setLocal(7, entry(localRef(7)));
    w.setRemote(entry(remoteRef(2)));
    const named = { ref: remoteRef(1), watcher, name: atom('srv') };
    w.setRemote(named);
    w.setRemote({ ...named, ref: remoteRef(2) });
    w.setLocal(7, { ...entry(localRef(7)), name: atom('x') });
    assert.equal(w.size, 3);
    assert.deepEqual(
      w.values().map((e) => e.name?.name ?? null),
      ['srv', 'x', 'srv'],
    );
  });

  it('deletes while iterating, and by a predicate', () => {
    const w = new Watchers();
    w.setRemote(entry(remoteRef(1)));
    w.setLocal(2, entry(localRef(2)));
    w.setRemote(entry(remoteRef(3)));
    const seen: number[] = [];
    w.forEach((e, num) => {
      seen.push(e.ref.ids[0]!);
      if (num === -1) w.deleteRemote(e.ref);
    });
    assert.deepEqual(seen, [1, 2, 3]);
    assert.deepEqual(model(w), ['2:2']);
    w.setRemote(entry(remoteRef(4)));
    w.deleteWhere((e) => e.ref.node === REMOTE);
    assert.deepEqual(model(w), ['2:2']);
    w.deleteWhere(() => true);
    assert.equal(w.size, 0);
  });
});
