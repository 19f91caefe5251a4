import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameReader, FrameTooLargeError, SPLIT, TICK, frame2, frame4 } from '../../../src/dist/framing.ts';

test('dist/framing: 2-byte and 4-byte frames, and the tick', () => {
  assert.deepEqual(frame2(Buffer.from('sok')), Buffer.from([0, 3, 0x73, 0x6f, 0x6b]));
  assert.deepEqual(frame4(Buffer.of(112)), Buffer.from([0, 0, 0, 1, 112]));
  const r = new FrameReader(4);
  r.push(Buffer.from([0, 0, 0, 0, 0, 0, 0, 2, 7, 8]));
  assert.equal(r.next(), TICK);
  assert.deepEqual(r.next(), Buffer.from([7, 8]));
  assert.equal(r.next(), undefined);
});

test('dist/framing: frames split at every byte boundary come out whole', () => {
  const payloads = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(70_000, 3), Buffer.from('x')];
  const stream = Buffer.concat(payloads.map((p) => frame4(p)));
  for (const step of [1, 2, 3, 5, 7, 4096, stream.length]) {
    const r = new FrameReader(4);
    const out: (Buffer | typeof TICK)[] = [];
    for (let i = 0; i < stream.length; i += step) {
      r.push(stream.subarray(i, i + step));
      for (let f = r.next(); f !== undefined; f = r.next()) out.push(f);
    }
    assert.equal(out.length, 4, `step ${step}`);
    assert.deepEqual(out[0], payloads[0]);
    assert.equal(out[1], TICK);
    assert.deepEqual(out[2], payloads[2]);
    assert.deepEqual(out[3], payloads[3]);
    assert.equal(r.buffered, 0);
  }
});

test('dist/framing: switching from 2- to 4-byte lengths keeps the bytes behind', () => {
  const r = new FrameReader(2);
  r.push(Buffer.concat([frame2(Buffer.from('a')), frame4(Buffer.from('after'))]));
  assert.deepEqual(r.next(), Buffer.from('a'));
  r.headerSize = 4;
  assert.deepEqual(r.next(), Buffer.from('after'));
});

test('dist/framing: a 4 GiB length is refused before anything is buffered', () => {
  const r = new FrameReader(4, 1024);
  r.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
  assert.throws(() => r.next(), (e: unknown) => e instanceof FrameTooLargeError && e.length === 0xffffffff);
});

test('dist/framing: a frame spread over chunks can be taken as views', () => {
  const r = new FrameReader(4);
  const payload = Buffer.from('abcdefghij');
  const f = frame4(payload);
  r.push(f.subarray(0, 6));
  assert.equal(r.nextIsSplit(), false, 'not whole yet');
  r.push(f.subarray(6, 9));
  r.push(f.subarray(9));
  assert.equal(r.nextIsSplit(), true);
  const parts = r.nextParts();
  assert.ok(parts.length >= 2);
  assert.deepEqual(Buffer.concat(parts), payload);
  assert.equal(r.buffered, 0);
  r.push(frame4(Buffer.from('x')));
  assert.equal(r.nextIsSplit(), false, 'inside one chunk: next() takes it without copying');
});

test('dist/framing: nextInPlace gives each frame where it lies, at every split of the stream', () => {
  const payloads = [Buffer.from('hello'), Buffer.alloc(0), Buffer.alloc(70_000, 3), Buffer.from('x'), Buffer.of(131, 68, 0)];
  const stream = Buffer.concat(payloads.map((p) => frame4(p)));
  for (const split of [false, true]) {
    for (const step of [1, 2, 3, 5, 7, 4096, stream.length]) {
      const r = new FrameReader(4);
      const out: (Buffer | typeof TICK)[] = [];
      let splits = 0;
      const pull = (): void => {
        for (;;) {
          const f = r.nextInPlace(split);
          if (f === undefined) return;
          if (f === SPLIT) {
            splits++;
            out.push(Buffer.concat(r.nextParts()));
          } else if (f === TICK) out.push(TICK);
          else {
            assert.ok(r.frameStart >= 0 && r.frameEnd <= f.length && r.frameStart <= r.frameEnd);
            out.push(Buffer.from(f.subarray(r.frameStart, r.frameEnd)));
          }
        }
      };
      for (let i = 0; i < stream.length; i += step) {
        r.push(stream.subarray(i, i + step));
        pull();
      }
      assert.deepEqual(out, [payloads[0], TICK, payloads[2], payloads[3], payloads[4]], `step ${step}, split ${split}`);
      assert.equal(r.buffered, 0);
      if (!split || step === stream.length) assert.equal(splits, 0);
      else assert.ok(splits > 0, `step ${step}`);
    }
  }
});

test('dist/framing: nextInPlace returns the chunk itself for a frame inside it', () => {
  const chunk = Buffer.concat([frame4(Buffer.of(1, 2, 3)), frame4(Buffer.of(4, 5))]);
  const r = new FrameReader(4);
  r.push(chunk);
  assert.equal(r.nextInPlace(), chunk);
  assert.deepEqual([r.frameStart, r.frameEnd], [4, 7]);
  assert.equal(r.nextInPlace(), chunk);
  assert.deepEqual([r.frameStart, r.frameEnd], [11, 13]);
  assert.equal(r.nextInPlace(), undefined);
  assert.equal(r.buffered, 0);
  r.maxFrame = 10;
  r.push(Buffer.of(0, 0, 0, 11));
  assert.throws(() => r.nextInPlace(), FrameTooLargeError);
});
