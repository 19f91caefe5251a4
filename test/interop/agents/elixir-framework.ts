// The lesson's agent framework written in Elixir (for an Elixir node1), speaking the same
// agent protocol as src/agents: used to check that beamlink as node2 runs the lesson's
// node2 lines against real Elixir agents, and that beamlink's typed client reads them.
export const ELIXIR_FRAMEWORK = `
defmodule AgentFramework.AgentServer do
  use GenServer
  def start_link(name), do: GenServer.start_link(__MODULE__, name, name: {:via, Registry, {AgentFramework.Registry, name}})
  def child_spec(name), do: %{id: name, start: {__MODULE__, :start_link, [name]}}
  def get_state(a), do: GenServer.call(a, :get_state)
  def remember(a, k, v), do: GenServer.call(a, {:remember, k, v})
  def recall(a, k), do: GenServer.call(a, {:recall, k})
  def send_task(a, type, payload), do: GenServer.call(a, {:send_task, type, payload})
  def process_next(a), do: GenServer.call(a, :process_next)
  @impl true
  def init(name), do: {:ok, %{name: name, status: :idle, memory: %{}, task_queue: [], current_task: nil,
    processed_count: 0, failed_count: 0, auto_process: false, node: node()}}
  @impl true
  def handle_call(:get_state, _f, s), do: {:reply, s, s}
  def handle_call({:remember, k, v}, _f, s), do: {:reply, :ok, %{s | memory: Map.put(s.memory, k, v)}}
  def handle_call({:recall, k}, _f, s), do: {:reply, Map.get(s.memory, k), s}
  def handle_call({:send_task, type, payload}, _f, s) do
    id = :crypto.strong_rand_bytes(8) |> Base.encode16(case: :lower)
    task = %{id: id, type: type, payload: payload, queued_at: System.system_time(:millisecond)}
    {:reply, :ok, %{s | task_queue: s.task_queue ++ [task]}}
  end
  def handle_call(:process_next, _f, %{task_queue: []} = s), do: {:reply, {:error, :empty}, s}
  def handle_call(:process_next, _f, %{task_queue: [t | rest]} = s) do
    r = case t do
      %{type: :search, payload: %{query: q}} -> {:ok, "Search results for: " <> q}
      %{type: type} -> {:error, {:unknown_task_type, type}}
    end
    {:reply, {:ok, t, r}, %{s | task_queue: rest, processed_count: s.processed_count + 1,
      memory: Map.put(s.memory, :last_result, r)}}
  end
end
defmodule AgentFramework.AgentSupervisor do
  def start do
    {:ok, _} = Registry.start_link(keys: :unique, name: AgentFramework.Registry)
    {:ok, _} = DynamicSupervisor.start_link(strategy: :one_for_one, name: __MODULE__)
    :ok
  end
  def start_agent(name), do: DynamicSupervisor.start_child(__MODULE__, {AgentFramework.AgentServer, name})
  def list_agents, do: for({_, p, _, _} <- DynamicSupervisor.which_children(__MODULE__), is_pid(p), do: p)
  def whereis(name) do
    case Registry.lookup(AgentFramework.Registry, name) do
      [{p, _}] -> {:ok, p}
      [] -> {:error, :not_found}
    end
  end
end
defmodule AgentFramework.AgentDirectory do
  def start do
    parent = self()
    spawn(fn -> :ets.new(__MODULE__, [:named_table, :public]); send(parent, :ready); Process.sleep(:infinity) end)
    receive do :ready -> :ok end
  end
  def register(name, node, pid), do: (:ets.insert(__MODULE__, {name, node, pid}); :ok)
  def lookup(name) do
    case :ets.lookup(__MODULE__, name) do
      [{^name, node, pid}] -> {:ok, {node, pid}}
      [] -> {:error, :not_found}
    end
  end
end
spawn(fn -> AgentFramework.AgentSupervisor.start(); AgentFramework.AgentDirectory.start(); send(:beamlink_boot, :up); Process.sleep(:infinity) end)
:ok
`;
