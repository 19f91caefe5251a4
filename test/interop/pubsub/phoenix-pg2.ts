// Phoenix.PubSub 2.x's PG2 path written inline for an Elixir peer (Phoenix itself cannot be
// installed here): Phoenix.PubSub.dispatch/3 (the default dispatcher), subscribe via a
// duplicate-key Registry named after the PubSub, broadcast and direct_broadcast as
// Phoenix.PubSub.PG2 does them (the group picked by phash2(self()) among the pool), and one
// PG2Worker per pool group — MyApp.PubSub.Adapter, :"#{adapter}_2", … — registered under
// the group name, joined to it in :pg scope Phoenix.PubSub, dispatching
// {:forward_to_local, topic, message, dispatcher} to the Registry.
import assert from 'node:assert/strict';
import { decode } from '../../../src/term/decode.ts';
import { Tuple, atom, type Term } from '../../../src/term/types.ts';
import type { ErlangPeer } from '../../support/erlang-peer.ts';

export const PHOENIX_PG2 = `
defmodule Phoenix.PubSub do
  def dispatch(entries, :none, message) do
    for {pid, _} <- entries, do: send(pid, message)
    :ok
  end
  def dispatch(entries, from, message) do
    for {pid, _} <- entries, pid != from, do: send(pid, message)
    :ok
  end
  def subscribe(pubsub, topic, opts \\\\ []) do
    {:ok, _} = Registry.register(pubsub, topic, opts[:metadata])
    :ok
  end
  def broadcast(pubsub, topic, message, dispatcher \\\\ __MODULE__) do
    group = group(Module.concat(pubsub, "Adapter"))
    for pid <- :pg.get_members(Phoenix.PubSub, group), node(pid) != node() do
      send(pid, {:forward_to_local, topic, message, dispatcher})
    end
    Registry.dispatch(pubsub, topic, {dispatcher, :dispatch, [:none, message]})
    :ok
  end
  def direct_broadcast(node_name, pubsub, topic, message, dispatcher \\\\ __MODULE__) do
    send({group(Module.concat(pubsub, "Adapter")), node_name}, {:forward_to_local, topic, message, dispatcher})
    :ok
  end
  defp group(adapter_name) do
    groups = :persistent_term.get(adapter_name)
    elem(groups, :erlang.phash2(self(), tuple_size(groups)))
  end
  def start(name, pool_size \\\\ 1) do
    parent = self()
    spawn(fn ->
      {:ok, _} = Registry.start_link(keys: :duplicate, name: name)
      case :pg.start(Phoenix.PubSub) do
        {:ok, _} -> :ok
        {:error, {:already_started, _}} -> :ok
      end
      adapter_name = Module.concat(name, "Adapter")
      [_ | rest] = for number <- 1..pool_size, do: :"#{adapter_name}_#{number}"
      groups = [adapter_name | rest]
      :persistent_term.put(adapter_name, List.to_tuple(groups))
      for group <- groups do
        spawn_link(fn ->
          Process.register(self(), group)
          :ok = :pg.join(Phoenix.PubSub, group, self())
          send(parent, {:ready, group})
          worker_loop(name)
        end)
      end
      Process.sleep(:infinity)
    end)
    for _ <- 1..pool_size do
      receive do
        {:ready, _} -> :ok
      after
        10_000 -> raise "a worker did not start"
      end
    end
    :ok
  end
  defp worker_loop(name) do
    receive do
      {:forward_to_local, topic, message, dispatcher} ->
        Registry.dispatch(name, topic, {dispatcher, :dispatch, [:none, message]})
      _ -> :ok
    end
    worker_loop(name)
  end
end
:ok
`;

/**
 * Loads PHOENIX_PG2 into an Elixir peer and starts the PubSub `name` there (its Registry
 * and its PG2 worker in :pg scope Phoenix.PubSub).
 *
 * ```ts
 * await startPhoenixPubSub(ex, 'MyApp.PubSub');
 * ```
 */
export async function startPhoenixPubSub(ex: ErlangPeer, name: string): Promise<void> {
  assert.equal(await ex.evalElixir(PHOENIX_PG2), 'ok');
  assert.equal(await ex.evalElixir(`Phoenix.PubSub.start(${name})`), 'ok');
}

/**
 * Spawns an Elixir process subscribed to `topic` on `pubsub` that emits `{tag, Message}`
 * for every message; resolves once it is subscribed. `elixirReceived(ex, tag)` reads what
 * it got.
 *
 * ```ts
 * await elixirSubscriber(ex, 'MyApp.PubSub', 'room:1', 'exroom');
 * ```
 */
export async function elixirSubscriber(
  ex: ErlangPeer,
  pubsub: string,
  topic: string,
  tag: string,
): Promise<void> {
  await ex.evalElixir(
    `spawn(fn -> Phoenix.PubSub.subscribe(${pubsub}, "${topic}"); :beamlink_peer.emit({:subscribed, :${tag}}); ` +
      `loop = fn l -> receive do m -> :beamlink_peer.emit({:${tag}, m}); l.(l) end end; loop.(loop) end)`,
  );
  await ex.waitEvent((e) => e.text === `{subscribed,${tag}}`);
}

/** The messages the `elixirSubscriber` tagged `tag` has received so far, oldest first. */
export function elixirReceived(ex: ErlangPeer, tag: string): Term[] {
  return ex.events
    .map((e) => decode(e.bytes))
    .filter((t) => t instanceof Tuple && t.elements[0] === atom(tag))
    .map((t) => (t as Tuple).elements[1]!);
}
