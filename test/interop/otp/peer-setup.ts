// One real BEAM peer and one beamlink node on a private epmd, for the OTP-behaviour
// interop tests (GenServer, Supervisor, DynamicSupervisor): start once per release and
// file, load the contract's .erl modules into the peer, stop everything in reverse order.
import { readFileSync } from 'node:fs';
import { startNode, type BeamNode } from '../../../src/kernel/start-node.ts';
import { memoryLogger } from '../../../src/process/index.ts';
import {
  EpmdProcess,
  ErlangPeer,
  uniqueName,
  type ErlangRelease,
} from '../../support/erlang-peer.ts';

/** What a test file shares per release. */
export interface PeerAndNode {
  epmd: EpmdProcess;
  erl: ErlangPeer;
  node: BeamNode;
}

/** An Erlang source file under test/contract/erl/ (by its base name, `contract_sup.erl`). */
export function contractErl(file: string): Buffer {
  return readFileSync(new URL(`../../contract/erl/${file}`, import.meta.url));
}

/**
 * Compiles and loads one Erlang module into `peer` from its source, through a private
 * temporary directory (works in erl and elixir peers alike: the peer evaluates Erlang).
 */
export async function loadErlModule(peer: ErlangPeer, file: string, source: Buffer): Promise<void> {
  await peer.eval(
    `LDir = "/tmp/beamlink_load_" ++ os:getpid(), file:make_dir(LDir), ` +
      `LFile = LDir ++ "/${file}", ` +
      `ok = file:write_file(LFile, base64:decode(<<"${source.toString('base64')}">>)), ` +
      `{ok, LMod, LBin} = compile:file(LFile, [binary, report]), ` +
      `file:delete(LFile), file:del_dir(LDir), {module, _} = code:load_binary(LMod, LFile, LBin).`,
  );
}

/**
 * Starts a private epmd, a peer of `release` (Elixir when `elixir`), loads each file of
 * `erlFiles` from test/contract/erl/ into it, then a beamlink node with the same cookie.
 */
export async function startPeerAndNode(
  release: ErlangRelease,
  options: { prefix: string; cookie: string; elixir?: boolean; erlFiles?: readonly string[] },
): Promise<PeerAndNode> {
  const epmd = await EpmdProcess.start();
  let erl: ErlangPeer | undefined;
  try {
    erl = await ErlangPeer.start({
      release,
      elixir: options.elixir ?? false,
      epmdPort: epmd.port,
      sname: uniqueName(`${options.prefix}erl`),
      cookie: options.cookie,
    });
    for (const file of options.erlFiles ?? []) {
      await loadErlModule(erl, file, contractErl(file));
    }
    const node = await startNode({
      sname: uniqueName(`${options.prefix}ts`),
      cookie: options.cookie,
      epmdPort: epmd.port,
      logger: memoryLogger(),
    });
    return { epmd, erl, node };
  } catch (e) {
    await erl?.stop();
    await epmd.stop();
    throw e;
  }
}

/** Stops what {@link startPeerAndNode} started (beamlink node, peer, epmd); tolerates undefined. */
export async function stopPeerAndNode(s: PeerAndNode | undefined): Promise<void> {
  await s?.node.stop();
  await s?.erl.stop();
  await s?.epmd.stop();
}
