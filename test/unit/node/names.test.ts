import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NodeNameError } from '../../../src/node/errors.ts';
import { formNodeName, isAllowed, nameMismatch, splitNodeName } from '../../../src/node/names.ts';

const plain = { hostname: 'vm', domain: '' };
const dotted = { hostname: 'box', domain: 'example.org' };

test('node/names: sname takes the host name up to the first dot', () => {
  assert.deepEqual(formNodeName({ sname: 'ts1' }, plain), {
    full: 'ts1@vm',
    alive: 'ts1',
    host: 'vm',
    type: 'shortnames',
  });
  assert.equal(formNodeName({ sname: 'ts1' }, { hostname: 'a.b.c', domain: '' }).full, 'ts1@a');
  assert.equal(formNodeName({ sname: 'ts1@other' }, plain).full, 'ts1@other');
});

test('node/names: sname with a dotted host is refused as erl refuses it', () => {
  assert.throws(
    () => formNodeName({ sname: 'ts1@host.example.org' }, plain),
    (e: unknown) =>
      e instanceof NodeNameError &&
      e.code === 'BL_ERR_NODE_NAME' &&
      /can't set short node name/.test(e.message),
  );
});

test('node/names: name without a host takes the FQDN, and fails without a domain', () => {
  assert.equal(formNodeName({ name: 'ts1' }, dotted).full, 'ts1@box.example.org');
  assert.equal(formNodeName({ name: 'ts1' }, dotted).type, 'longnames');
  assert.throws(
    () => formNodeName({ name: 'ts1' }, plain),
    /can't set long node name ts1.*127\.0\.0\.1/,
  );
  assert.equal(formNodeName({ name: 'ts1@127.0.0.1' }, plain).full, 'ts1@127.0.0.1');
});

test('node/names: both sname and name, no name, or a bad alive part are refused', () => {
  assert.throws(
    () => formNodeName({ sname: 'a', name: 'b@x.y' }, plain),
    /either sname \(a\) or name \(b@x\.y\)/,
  );
  assert.throws(() => formNodeName({}, plain), NodeNameError);
  assert.throws(() => formNodeName({ sname: 'bad name' }, plain), /\[0-9A-Za-z_-\]\+/);
  assert.throws(() => formNodeName({ sname: 'a@' }, plain), NodeNameError);
});

test('node/names: mixing short and long names is refused naming both nodes', () => {
  const short = nameMismatch('b@host.example.org', 'shortnames', 'a@vm');
  assert.match(short ?? '', /a@vm uses short names.*b@host\.example\.org/);
  const long = nameMismatch('b@vm', 'longnames', 'a@vm.example.org');
  assert.match(long ?? '', /a@vm\.example\.org uses long names.*b@vm/);
  assert.equal(nameMismatch('b@vm', 'shortnames', 'a@vm'), undefined);
  assert.equal(nameMismatch('b@x.y', 'longnames', 'a@vm.y'), undefined);
  // An IP address is a fine long-name host, dots or not (IPv6).
  assert.equal(nameMismatch('b@::1', 'longnames', 'a@127.0.0.1'), undefined);
  assert.match(nameMismatch('nohost', 'shortnames', 'a@vm') ?? '', /name@host/);
});

test('node/names: splitNodeName needs alive@host', () => {
  assert.deepEqual(splitNodeName('b@vm'), { alive: 'b', host: 'vm' });
  assert.throws(() => splitNodeName('b'), NodeNameError);
  assert.throws(() => splitNodeName('@vm'), NodeNameError);
});

test('node/names: the allow list matches names, hosts and name@ prefixes (dist_util:is_allowed)', () => {
  assert.equal(isAllowed('b@vm', []), true);
  assert.equal(isAllowed('b@vm', ['b@vm']), true);
  assert.equal(isAllowed('b@vm', ['vm']), true);
  assert.equal(isAllowed('b@vm', ['b@']), true);
  assert.equal(isAllowed('c@vm', ['b@vm', 'b@', 'other']), false);
  assert.equal(isAllowed('b@other', ['b@vm']), false);
});
