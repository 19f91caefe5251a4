/**
 * The frame of an interop suite: one `describe` per installed Erlang release.
 *
 * ```ts
 * describeReleases('pubsub/pg-adapter: against Elixir', { elixir: true }, (release) => {
 *   before(async () => {
 *     ({ epmd, peer: ex } = await startPeerWithEpmd(release, { sname: 'ex', cookie, elixir: true }));
 *   });
 *   it('...', async () => {});
 * });
 * ```
 */
import { describe } from 'node:test';
import { erlangReleases, interopSkipReason, type ErlangRelease } from './erlang-peer.ts';

/** What the suite needs beyond `erl`. */
export interface ReleaseSuiteOptions {
  /** Skip a release that has no `elixir`. */
  readonly elixir?: boolean;
  /** Another reason to skip the whole suite (`false` when there is none). */
  readonly skip?: string | false;
}

/**
 * `describe(title)` holding one `describe(release.label)` per release from
 * `erlangReleases()`, each running `body(release)`. The whole suite skips when `erl` is
 * missing (see `interopSkipReason()`) or `options.skip` says why; a release skips when
 * `options.elixir` asks for Elixir and it has none.
 */
export function describeReleases(
  title: string,
  options: ReleaseSuiteOptions,
  body: (release: ErlangRelease) => void,
): void {
  const skip = interopSkipReason() || options.skip || false;
  describe(title, { skip }, () => {
    for (const release of skip ? [] : erlangReleases()) {
      const noElixir = options.elixir === true && !release.elixir;
      describe(release.label, { skip: noElixir ? 'elixir not installed' : false }, () =>
        body(release),
      );
    }
  });
}
