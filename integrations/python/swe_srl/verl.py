"""verl: a custom reward function for the SRL step datasets `swe-srl export --format verl` writes.

    custom_reward_function.path=integrations/python/swe_srl/verl.py
    custom_reward_function.name=compute_score          # or compute_score_batch with reward_model.reward_manager=batch

`ground_truth` is the row's `reward_model.ground_truth`: {"target", "tool_format"} for a SWE step
(or the action text), {"target", "domain": "math"} for a math step (`export --domain math`).
"""
try:
    from .client import default_client
except ImportError:  # loaded from its path, as verl and OpenRLHF load reward files: no package around it
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from swe_srl.client import default_client


def _target(ground_truth):
    # verl hands the parquet struct over as a dict; only the fields the reward reads are sent.
    if isinstance(ground_truth, dict):
        if ground_truth.get("domain") == "math":
            return {"target": ground_truth["target"], "domain": "math"}
        return {"target": ground_truth["target"], "tool_format": ground_truth["tool_format"]}
    return ground_truth


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """The SRL reward of one response: -1 for a format violation, else its action's (or math step's) similarity to the expert's."""
    answer = default_client().srl_rewards([solution_str], targets=[_target(ground_truth)])
    return float(answer["rewards"][0])


def compute_score_batch(data_sources, solution_strs, ground_truths, extra_infos=None, **kwargs):
    """verl's batch reward manager form: one HTTP request for the whole batch."""
    answer = default_client().srl_rewards(list(solution_strs), targets=[_target(truth) for truth in ground_truths])
    return [float(reward) for reward in answer["rewards"]]


# verl's multi-turn rollout (actor_rollout_ref.rollout.multi_turn) calls tools through BaseTool:
# create → execute (per tool call) → calc_reward → release. Without verl, the same methods.
try:
    from verl.tools.base_tool import BaseTool
except ImportError:

    class BaseTool:
        def __init__(self, config, tool_schema):
            self.config = config
            self.tool_schema = tool_schema
            self.name = tool_schema["function"]["name"] if isinstance(tool_schema, dict) else tool_schema.function.name

        def get_openai_tool_schema(self):
            return self.tool_schema


BASH_TOOL_SCHEMA = {
    "type": "function",
    "function": {
        "name": "bash",
        "description": "Run a command in the repository's bash session; `submit` as the command submits the changes.",
        "parameters": {"type": "object", "properties": {"command": {"type": "string", "description": "The command line to run."}}, "required": ["command"]},
    },
}


class SweSrlTool(BaseTool):
    """One swe-srl episode per verl trajectory: `create` starts it on the row's task instance
    (`create_kwargs: {task_instance_id}` in the row's `tools_kwargs`; verl itself passes its
    request id as `instance_id`), `execute` runs a tool call in its
    sandbox, `calc_reward` closes it for the RLVR verdict, `release` removes the sandbox. Start the
    server with `--templates function-calling`, since verl calls tools natively."""

    def __init__(self, config=None, tool_schema=None):
        super().__init__(config or {}, tool_schema or BASH_TOOL_SCHEMA)
        self.client = (config or {}).get("client") or default_client()
        self.episodes = {}

    async def create(self, instance_id=None, **kwargs):
        # verl spreads the row's create_kwargs into the call; older versions pass them as one dict.
        task = kwargs.get("create_kwargs", kwargs)
        started = self.client.start_episode(task["task_instance_id"], task.get("sample"))
        key = instance_id or started["episode_id"]
        self.episodes[key] = {"episode_id": started["episode_id"], "done": False, "verdict": None, "messages": started["messages"]}
        return key

    async def execute(self, instance_id, parameters, **kwargs):
        episode = self.episodes[instance_id]
        if episode["done"]:
            return "The episode is over.", 0.0, {"done": True}
        command = parameters.get("command", "")
        name, arguments = ("submit", {}) if command.strip() == "submit" else ("bash", {"command": command})
        answer = self.client.step(episode["episode_id"], text="", tool_calls=[{"name": name, "arguments": arguments}])
        episode["done"] = bool(answer["done"])
        return answer["observation"], 0.0, {"done": episode["done"], "exit_status": answer.get("exit_status")}

    async def calc_reward(self, instance_id, **kwargs):
        episode = self.episodes[instance_id]
        if episode["verdict"] is None:
            closed = self.client.close_episode(episode["episode_id"])
            episode["verdict"] = closed["verdict"]
            episode["patch"] = closed.get("patch")
        reward = episode["verdict"].get("reward")
        return 0.0 if reward is None else float(reward)

    async def release(self, instance_id, **kwargs):
        episode = self.episodes.pop(instance_id, None)
        if episode is not None:
            self.client.discard_episode(episode["episode_id"])
