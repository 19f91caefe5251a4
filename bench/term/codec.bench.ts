/**
 * The ETF codec on four shapes: a small control tuple, a GenServer call with a map
 * payload, a 1 MiB binary and a 10,000-element list. beamlink against erlang_js (the
 * npm codec) and against BEAM's own term_to_binary / binary_to_term (beam/term_codec.erl).
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import type * as TermApi from '../../src/term/index.ts';
import type { Term } from '../../src/term/index.ts';
import { loadBundle } from '../build.ts';
import type { BenchCase, BenchGroup } from '../registry.ts';

const { atom, decode, encode, ImproperList, Pid, Ref, tuple } = await loadBundle<typeof TermApi>(
  'term/index.ts',
  'term',
);

interface ErlangJs {
  term_to_binary(t: unknown, cb: (err: unknown, out: Buffer) => void): void;
  binary_to_term(b: Buffer, cb: (err: unknown, out: unknown) => void): void;
  OtpErlangAtom: new (name: string) => unknown;
  OtpErlangPid: new (node: unknown, id: Buffer, serial: Buffer, creation: Buffer) => unknown;
  OtpErlangReference: new (node: unknown, id: Buffer, creation: Buffer) => unknown;
  OtpErlangList: new (items: unknown[], improper?: boolean) => unknown;
  OtpErlangBinary: new (b: Buffer) => unknown;
  OtpErlangMap: new (m: Map<unknown, unknown>) => unknown;
}
const { Erlang } = createRequire(import.meta.url)('erlang_js') as { Erlang: ErlangJs };

const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

// ---- the same four values in each representation ----------------------------------

const node = atom('nonode@nohost');
const pid = new Pid(node, 113, 0, 0);
const ref = new Ref(node, 0, [261928, 3910139906, 4123581460]);
const payload = {
  id: 42,
  name: 'agent-7',
  skills: ['search', 'summarize'],
  score: 0.87,
  active: true,
};
const binary = randomBytes(1 << 20);
const list = Array.from({ length: 10_000 }, (_, i) => i);

const values: Record<string, Term> = {
  'control tuple': tuple(6, pid, atom(''), atom('net_kernel')),
  'gen_server call': tuple(
    atom('$gen_call'),
    tuple(pid, new ImproperList([atom('alias')], ref)),
    tuple(atom('register'), payload),
  ),
  '1 MiB binary': binary,
  '10k list': list,
};

const A = (s: string) => new Erlang.OtpErlangAtom(s);
const jsNode = A('nonode@nohost');
const jsPid = new Erlang.OtpErlangPid(jsNode, u32(113), u32(0), u32(0));
const jsRef = new Erlang.OtpErlangReference(
  jsNode,
  Buffer.concat([u32(261928), u32(3910139906), u32(4123581460)]),
  u32(0),
);
const jsValues: Record<string, unknown> = {
  'control tuple': [6, jsPid, A(''), A('net_kernel')],
  'gen_server call': [
    A('$gen_call'),
    [jsPid, new Erlang.OtpErlangList([A('alias'), jsRef], true)],
    [
      A('register'),
      new Erlang.OtpErlangMap(
        new Map<unknown, unknown>([
          [A('id'), 42],
          [A('name'), new Erlang.OtpErlangBinary(Buffer.from('agent-7'))],
          [
            A('skills'),
            new Erlang.OtpErlangList([
              new Erlang.OtpErlangBinary(Buffer.from('search')),
              new Erlang.OtpErlangBinary(Buffer.from('summarize')),
            ]),
          ],
          [A('score'), 0.87],
          [A('active'), true],
        ]),
      ),
    ],
  ],
  '1 MiB binary': new Erlang.OtpErlangBinary(binary),
  '10k list': new Erlang.OtpErlangList(list),
};

function jsEncode(t: unknown): Buffer {
  let out: Buffer | undefined;
  Erlang.term_to_binary(t, (err, b) => {
    if (err) throw err;
    out = b;
  });
  return out!;
}

function jsDecode(b: Buffer): unknown {
  let out: unknown;
  Erlang.binary_to_term(b, (err, t) => {
    if (err) throw err;
    out = t;
  });
  return out;
}

const names = Object.keys(values);

// Each closure holds its value, as the BEAM twin's `fun() -> term_to_binary(T) end` does
// (no lookup by name inside the timed call).
const encodeCases: BenchCase[] = names.map((name) => {
  const value = values[name]!;
  const jsValue = jsValues[name];
  return {
    name,
    impls: {
      beamlink: () => encode(value),
      erlang_js: () => jsEncode(jsValue),
    },
  };
});

const decodeCases: BenchCase[] = names.map((name) => {
  const bytes = encode(values[name]!);
  const jsBytes = jsEncode(jsValues[name]);
  return {
    name,
    impls: {
      beamlink: () => decode(bytes),
      erlang_js: () => jsDecode(jsBytes),
    },
  };
});

export const groups: BenchGroup[] = [
  { name: 'term.encode', cases: encodeCases, beam: 'term_codec' },
  { name: 'term.decode', cases: decodeCases, beam: 'term_codec' },
];
