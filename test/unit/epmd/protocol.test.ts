// Pinned bytes for every EPMD request and reply. The reply vectors were read off Debian's
// OTP 25 `epmd -port N -d -d` (node /tmp/obs.mjs registering raw ALIVE2_REQs):
//   Highest=6 → 118,0,107,1,47,253 (creation 0x6b012ffd, the clock in seconds + 1)
//   Highest=5 → 121,0,0,1 then 0,2 / 0,3 / 0,1 (creation cycles 1..3)
//   a taken name → 118,1,0,0,0,99 (Highest=6) and 121,1,0,99 (Highest=5)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkName,
  decodeAlive2Resp,
  decodeNamesResp,
  decodePort2Resp,
  decodeRequest,
  encodeAlive2Req,
  encodeAlive2Resp,
  encodeDumpReq,
  encodeDumpResp,
  encodeKillReq,
  encodeNamesReq,
  encodeNamesResp,
  encodePort2Resp,
  encodePortPlease2Req,
  encodeStopReq,
  EpmdBadReplyError,
  EpmdBadRequestError,
  frame,
  MAX_REQUEST_BODY,
  type NodeInfo,
} from '../../../src/epmd/index.ts';

const node: NodeInfo = {
  port: 5000,
  nodeType: 77,
  protocol: 0,
  highest: 6,
  lowest: 6,
  name: 'a',
  extra: Buffer.alloc(0),
};

const bytes = (b: Buffer) => [...b];

test('epmd/protocol: ALIVE2_REQ is framed exactly as erl_epmd sends it', () => {
  // erl_epmd: [?int16(Len), 120, ?int16(Port), $M, 0, ?int16(6), ?int16(6), ?int16(NLen), Name, ?int16(0)]
  assert.deepEqual(
    bytes(encodeAlive2Req(node)),
    [0, 14, 120, 0x13, 0x88, 77, 0, 0, 6, 0, 6, 0, 1, 97, 0, 0],
  );
  const hidden = encodeAlive2Req({ ...node, nodeType: 72, name: 'é', extra: Buffer.from([9, 8]) });
  assert.deepEqual(
    bytes(hidden),
    [0, 17, 120, 0x13, 0x88, 72, 0, 0, 6, 0, 6, 0, 2, 0xc3, 0xa9, 0, 2, 9, 8],
  );
});

test('epmd/protocol: ALIVE2_REQ decodes back to the same node', () => {
  const req = decodeRequest(encodeAlive2Req({ ...node, extra: Buffer.from('xy') }).subarray(2));
  assert.deepEqual(req, { type: 'ALIVE2_REQ', node: { ...node, extra: Buffer.from('xy') } });
});

test('epmd/protocol: the other requests have their pinned bytes', () => {
  assert.deepEqual(bytes(encodePortPlease2Req('ab')), [0, 3, 122, 97, 98]);
  assert.deepEqual(bytes(encodeNamesReq()), [0, 1, 110]);
  assert.deepEqual(bytes(encodeDumpReq()), [0, 1, 100]);
  assert.deepEqual(bytes(encodeKillReq()), [0, 1, 107]);
  assert.deepEqual(bytes(encodeStopReq('ab')), [0, 3, 115, 97, 98]);
  assert.deepEqual(decodeRequest(Buffer.from([122, 97, 98])), {
    type: 'PORT_PLEASE2_REQ',
    name: 'ab',
  });
  // epmd strips one trailing NUL from PORT_PLEASE2_REQ
  assert.deepEqual(decodeRequest(Buffer.from([122, 97, 0])), {
    type: 'PORT_PLEASE2_REQ',
    name: 'a',
  });
  assert.deepEqual(decodeRequest(Buffer.from([110])), { type: 'NAMES_REQ' });
  assert.deepEqual(decodeRequest(Buffer.from([100])), { type: 'DUMP_REQ' });
  assert.deepEqual(decodeRequest(Buffer.from([107])), { type: 'KILL_REQ' });
  assert.deepEqual(decodeRequest(Buffer.from([115, 120])), { type: 'STOP_REQ', name: 'x' });
});

test('epmd/protocol: ALIVE2 replies match what OTP 25 epmd sent', () => {
  assert.deepEqual(
    bytes(encodeAlive2Resp({ result: 0, creation: 0x6b012ffd, extended: true })),
    [118, 0, 107, 1, 47, 253],
  );
  assert.deepEqual(
    bytes(encodeAlive2Resp({ result: 0, creation: 1, extended: false })),
    [121, 0, 0, 1],
  );
  assert.deepEqual(
    bytes(encodeAlive2Resp({ result: 1, creation: 99, extended: true })),
    [118, 1, 0, 0, 0, 99],
  );
  assert.deepEqual(
    bytes(encodeAlive2Resp({ result: 1, creation: 99, extended: false })),
    [121, 1, 0, 99],
  );
  assert.deepEqual(decodeAlive2Resp(Buffer.from([118, 0, 107, 1, 47, 253])), {
    result: 0,
    creation: 0x6b012ffd,
    extended: true,
  });
  assert.deepEqual(decodeAlive2Resp(Buffer.from([121, 0, 0, 3])), {
    result: 0,
    creation: 3,
    extended: false,
  });
  assert.equal(decodeAlive2Resp(Buffer.from([118, 0, 107])), undefined);
  assert.equal(decodeAlive2Resp(Buffer.alloc(0)), undefined);
  assert.throws(() => decodeAlive2Resp(Buffer.from([0x45, 0])), EpmdBadReplyError);
  assert.throws(() => decodeAlive2Resp(Buffer.from([121, 0, 0, 1, 5])), EpmdBadReplyError);
});

test('epmd/protocol: PORT2_RESP round-trips and reports "not registered" as null', () => {
  const ok = encodePort2Resp({ ...node, extra: Buffer.from([1]) });
  assert.deepEqual(bytes(ok), [119, 0, 0x13, 0x88, 77, 0, 0, 6, 0, 6, 0, 1, 97, 0, 1, 1]);
  assert.deepEqual(decodePort2Resp(ok), { ...node, extra: Buffer.from([1]) });
  assert.deepEqual(bytes(encodePort2Resp(null)), [119, 1]);
  assert.equal(decodePort2Resp(Buffer.from([119, 1])), null);
  for (let cut = 0; cut < ok.length; cut++) {
    assert.equal(decodePort2Resp(ok.subarray(0, cut)), undefined, `cut at ${cut}`);
    assert.throws(() => decodePort2Resp(ok.subarray(0, cut), true), EpmdBadReplyError);
  }
  assert.throws(() => decodePort2Resp(Buffer.from([118, 0])), EpmdBadReplyError);
  assert.throws(() => decodePort2Resp(Buffer.concat([ok, Buffer.from([0])])), EpmdBadReplyError);
});

test('epmd/protocol: NAMES reply is EPMDPort:32 then "name N at port P" lines', () => {
  const resp = encodeNamesResp(4369, [
    { name: 'b', port: 4001 },
    { name: 'a', port: 4000 },
  ]);
  assert.deepEqual(bytes(resp.subarray(0, 4)), [0, 0, 0x11, 0x11]);
  assert.equal(resp.subarray(4).toString(), 'name b at port 4001\nname a at port 4000\n');
  assert.deepEqual(decodeNamesResp(resp), {
    epmdPort: 4369,
    names: [
      { name: 'b', port: 4001 },
      { name: 'a', port: 4000 },
    ],
    text: 'name b at port 4001\nname a at port 4000\n',
  });
  assert.deepEqual(decodeNamesResp(Buffer.from([0, 0, 0x11, 0x11])).names, []);
  assert.throws(() => decodeNamesResp(Buffer.from([0, 0])), EpmdBadReplyError);
});

test('epmd/protocol: DUMP reply lines end with the NUL byte epmd sends', () => {
  const resp = encodeDumpResp(7, [{ name: 'a', port: 1, fd: 5 }], [{ name: 'b', port: 2, fd: -1 }]);
  assert.equal(
    resp.subarray(4).toString(),
    'active name     <a> at port 1, fd = 5\n\0old/unused name <b>, port = 2, fd = -1 \n\0',
  );
});

test('epmd/protocol: malformed requests throw EpmdBadRequestError with the offset', () => {
  const cases: [number[], number][] = [
    [[], 0],
    [[99], 0], // unknown tag
    [[120, 0, 1, 77, 0, 0, 6, 0, 6, 0, 0, 0, 0], 0], // 13 bytes: no room for a name
    [[120, 0, 1, 77, 0, 0, 6, 0, 6, 0, 9, 97, 0, 0], 9], // name length lies
    [[120, 0, 1, 77, 0, 0, 6, 0, 6, 0, 1, 97, 0, 5], 12], // extra length lies
    [[120, 0, 1, 77, 0, 0, 6, 0, 6, 0, 2, 97, 0, 0, 0], 12], // NUL in the name
    [[122], 1], // PORT_PLEASE2 without a name
    [[122, 0], 1],
    [[122, 97, 0, 98], 2],
    [[122, 0xff], 1], // not UTF-8
    [[115], 1],
  ];
  for (const [body, offset] of cases) {
    assert.throws(
      () => decodeRequest(Buffer.from(body)),
      (e: unknown) =>
        e instanceof EpmdBadRequestError &&
        e.offset === offset &&
        e.code === 'BL_ERR_EPMD_BAD_REQUEST',
      `body ${body.join(',')}`,
    );
  }
});

test('epmd/protocol: a name epmd would refuse is decoded with a refusal, not thrown', () => {
  const long = encodeAlive2Req(node).subarray(2);
  const bad = Buffer.from(long);
  bad[11] = 0xff; // 'a' → invalid UTF-8
  const req = decodeRequest(bad);
  assert.equal(req.type, 'ALIVE2_REQ');
  assert.equal(req.type === 'ALIVE2_REQ' && req.refusal, 'invalid node name');
});

test('epmd/protocol: names are checked as epmd checks them', () => {
  assert.equal(checkName(Buffer.from('foo')), 'foo');
  assert.equal(checkName(Buffer.from('é'.repeat(255))), 'é'.repeat(255));
  assert.equal(checkName(Buffer.from('a'.repeat(256))), undefined);
  assert.equal(checkName(Buffer.from([0xc0, 0x80])), undefined); // overlong NUL
  assert.equal(checkName(Buffer.from([0xed, 0xa0, 0x80])), undefined); // surrogate
  assert.equal(checkName(Buffer.alloc(0)), undefined);
  assert.throws(() => encodePortPlease2Req('a'.repeat(256)), EpmdBadRequestError);
  assert.throws(() => encodePortPlease2Req('a\0b'), EpmdBadRequestError);
  assert.throws(() => frame(Buffer.alloc(65536)), EpmdBadRequestError);
  assert.equal(frame(Buffer.alloc(65535)).readUInt16BE(0), 65535);
  assert.equal(MAX_REQUEST_BODY, 3057);
});
