import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Mailbox, Runtime, ProcessUsageError, memoryLogger } from '../../../src/process/index.ts';
import { atom, tuple, Tuple, type Term } from '../../../src/term/types.ts';

describe('process/mailbox: the ring buffer', () => {
  it('process/mailbox: push and shift keep FIFO order across growth', () => {
    const box = new Mailbox();
    for (let i = 0; i < 1000; i++) box.push(i);
    for (let i = 0; i < 500; i++) assert.equal(box.shift(), i);
    for (let i = 1000; i < 1300; i++) box.push(i);
    const out: Term[] = [];
    let m: Term | undefined;
    while ((m = box.shift()) !== undefined) out.push(m);
    assert.deepEqual(
      out,
      Array.from({ length: 800 }, (_, k) => k + 500),
    );
    assert.equal(box.length, 0);
  });

  it('process/mailbox: take removes the oldest match and keeps the others in order', () => {
    const box = new Mailbox();
    for (const m of ['a', 1, 'b', 2, 'c', 3]) box.push(m);
    assert.equal(
      box.take((m) => typeof m === 'number'),
      1,
    );
    assert.equal(
      box.take((m) => m === 3),
      3,
    );
    assert.equal(
      box.take((m) => m === 'zzz'),
      undefined,
    );
    assert.deepEqual(box.toArray(), ['a', 'b', 2, 'c']);
    assert.equal(box.length, 4);
    assert.equal(box.shift(), 'a');
    assert.equal(box.shift(), 'b');
  });

  it('process/mailbox: many selective takes from the middle compact the holes', () => {
    const box = new Mailbox();
    for (let i = 0; i < 10_000; i++) box.push(i);
    for (let i = 1; i < 10_000; i += 2)
      assert.equal(
        box.take((m) => m === i),
        i,
      );
    assert.equal(box.length, 5000);
    assert.deepEqual(box.toArray().slice(0, 3), [0, 2, 4]);
    box.push('end');
    assert.equal(
      box.take((m) => m === 'end'),
      'end',
    );
  });

  it('process/mailbox: a throwing predicate counts as no match', () => {
    const box = new Mailbox();
    box.push(1);
    assert.equal(
      box.take(() => {
        throw new Error('x');
      }),
      undefined,
    );
    assert.equal(box.length, 1);
  });
});

describe('process/receive: selective receive in a process', () => {
  const rt = new Runtime({ node: 'rx@local', logger: memoryLogger() });
  function inProcess<T>(
    fn: (self: import('../../../src/process/index.ts').Process) => Promise<T>,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) =>
      rt.spawn(async (self) => fn(self).then(resolve, reject)),
    );
  }

  it('process/receive: takes the first matching message in arrival order', async () => {
    const got = await inProcess(async (self) => {
      for (const m of [tuple(atom('a'), 1), tuple(atom('b'), 2), tuple(atom('a'), 3)])
        self.send(self.pid, m);
      const b = await self.receive((m) => m instanceof Tuple && m.elements[0] === atom('b'));
      const a1 = await self.receive();
      const a2 = await self.receive();
      return [b, a1, a2].map((t) => (t as Tuple).elements[1]);
    });
    assert.deepEqual(got, [2, 1, 3]);
  });

  it('process/receive: a message that arrives later resumes a waiting receive', async () => {
    const got = await inProcess(async (self) => {
      const me = self.pid;
      self.spawn(async (other) => {
        other.send(me, 'skip');
        other.send(me, 'wanted');
      });
      return [await self.receive((m) => m === 'wanted'), self.mailboxLength];
    });
    assert.deepEqual(got, ['wanted', 1]);
  });

  it('process/receive: timeout 0 polls; a timeout resolves undefined and leaves the mailbox', async () => {
    const got = await inProcess(async (self) => {
      const a = await self.receive(undefined, { timeout: 0 });
      self.send(self.pid, 'x');
      const b = await self.receive((m) => m === 'y', { timeout: 0 });
      const t0 = Date.now();
      const c = await self.receive((m) => m === 'y', { timeout: 30 });
      const waited = Date.now() - t0;
      return [a, b, c, self.mailboxLength, waited >= 25];
    });
    assert.deepEqual(got, [undefined, undefined, undefined, 1, true]);
  });

  it('process/receive: a second concurrent receive is a usage error', async () => {
    const err = await inProcess(async (self) => {
      const first = self.receive(undefined, { timeout: 10 });
      const e = await self.receive().catch((x: unknown) => x);
      await first;
      return e;
    });
    assert.ok(err instanceof ProcessUsageError);
  });

  it('process/receive: poll takes without waiting', async () => {
    const got = await inProcess(async (self) => {
      self.send(self.pid, 1);
      self.send(self.pid, 2);
      return [self.poll((m) => m === 2), self.poll(), self.poll()];
    });
    assert.deepEqual(got, [2, 1, undefined]);
  });

  it('process/receive: a callback process handles messages in order and may await', async () => {
    const seen: Term[] = [];
    const done = new Promise<void>((resolve) => {
      const pid = rt.spawn((self) => {
        self.handle(async (m) => {
          if (m === 'slow') await new Promise((r) => setTimeout(r, 10));
          seen.push(m);
          if (m === 'last') resolve();
        });
      });
      for (const m of ['a', 'slow', 'b', 'last']) rt.send(pid, m);
    });
    await done;
    assert.deepEqual(seen, ['a', 'slow', 'b', 'last']);
  });

  it('process/receive: a busy loop of sends yields to timers (bounded batches)', async () => {
    let timerFired = false;
    setTimeout(() => (timerFired = true), 0);
    const hops = await inProcess(async (self) => {
      const echo = self.spawn((e) => e.handle((m) => e.send((m as Tuple).elements[0] as never, 0)));
      let n = 0;
      while (!timerFired) {
        self.send(echo, tuple(self.pid, n));
        await self.receive();
        n++;
      }
      return n;
    });
    assert.ok(hops > 0);
  });
});
