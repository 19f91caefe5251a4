// Phoenix.PubSub 2.x's PG2 path written inline for an Elixir peer (Phoenix itself cannot be
// installed here): Phoenix.PubSub.dispatch/3 (the default dispatcher), subscribe via a
// duplicate-key Registry named after the PubSub, broadcast and direct_broadcast as
// Phoenix.PubSub.PG2 does them, and one PG2Worker registered as MyApp.PubSub.Adapter that
// joins that group in :pg scope Phoenix.PubSub and dispatches {:forward_to_local, ...}.
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
    group = Module.concat(pubsub, "Adapter")
    for pid <- :pg.get_members(Phoenix.PubSub, group), node(pid) != node() do
      send(pid, {:forward_to_local, topic, message, dispatcher})
    end
    Registry.dispatch(pubsub, topic, {dispatcher, :dispatch, [:none, message]})
    :ok
  end
  def direct_broadcast(node_name, pubsub, topic, message, dispatcher \\\\ __MODULE__) do
    send({Module.concat(pubsub, "Adapter"), node_name}, {:forward_to_local, topic, message, dispatcher})
    :ok
  end
  def start(name) do
    parent = self()
    spawn(fn ->
      {:ok, _} = Registry.start_link(keys: :duplicate, name: name)
      case :pg.start(Phoenix.PubSub) do
        {:ok, _} -> :ok
        {:error, {:already_started, _}} -> :ok
      end
      group = Module.concat(name, "Adapter")
      spawn_link(fn ->
        Process.register(self(), group)
        :ok = :pg.join(Phoenix.PubSub, group, self())
        send(parent, :ready)
        worker_loop(name)
      end)
      Process.sleep(:infinity)
    end)
    receive do
      :ready -> :ok
    after
      10_000 -> :timeout
    end
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
