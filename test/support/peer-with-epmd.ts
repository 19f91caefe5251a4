/**
 * The usual start of an interop suite: a private port mapper and one real `erl` or
 * `elixir` node on it, both stopped by the caller's `after()`.
 *
 * ```ts
 * let epmd: EpmdProcess, ex: ErlangPeer;
 * before(async () => {
 *   ({ epmd, peer: ex } = await startPeerWithEpmd(release, {
 *     sname: 'ex',
 *     cookie: COOKIE,
 *     elixir: true,
 *   }));
 * });
 * after(async () => {
 *   await ex?.stop();
 *   await epmd?.stop();
 * });
 * ```
 */
import { EpmdProcess, ErlangPeer, uniqueName, type ErlangRelease } from './erlang-peer.ts';

/** A real BEAM node and the private port mapper it registered with. */
export interface PeerWithEpmd {
  readonly epmd: EpmdProcess;
  readonly peer: ErlangPeer;
}

/** Which node to start on the private port mapper. */
export interface PeerWithEpmdOptions {
  /** Prefix of its short name, made unique with `uniqueName()`. */
  readonly sname: string;
  readonly cookie: string;
  /** Start `elixir` instead of `erl`. */
  readonly elixir?: boolean;
}

/**
 * Starts a private `epmd`, then a peer of `release` on it; if the peer does not come up
 * the port mapper is stopped again before the error is thrown.
 */
export async function startPeerWithEpmd(
  release: ErlangRelease,
  options: PeerWithEpmdOptions,
): Promise<PeerWithEpmd> {
  const epmd = await EpmdProcess.start();
  try {
    const peer = await ErlangPeer.start({
      release,
      elixir: options.elixir ?? false,
      epmdPort: epmd.port,
      sname: uniqueName(options.sname),
      cookie: options.cookie,
    });
    return { epmd, peer };
  } catch (e) {
    await epmd.stop();
    throw e;
  }
}
