"""TRL: a reward function for the SRL step datasets (`swe-srl export --format trl`), and an
environment for `GRPOTrainer(environment_factory=SweSrlEnvironment)`.

    GRPOTrainer(model=..., train_dataset=load_dataset("json", data_files="steps.trl.jsonl")["train"],
                reward_funcs=srl_reward)

TRL passes the dataset's other columns to reward functions, so `target` and `tool_format` (or, for
math step rows from `export --domain math`, `target` and `domain`) arrive as keyword arguments.
"""
from .client import default_client, verdict_reward


def _completion_text(completion):
    # Conversational completions are message lists: the model's turn is the assistant content.
    if isinstance(completion, list):
        return "".join(message.get("content") or "" for message in completion if message.get("role") == "assistant")
    return completion


def _truth(target, tool_format, domain):
    if domain == "math":
        return {"target": target, "domain": "math"}
    return {"target": target, "tool_format": tool_format}


def srl_reward(completions, target, tool_format=None, domain=None, **kwargs):
    """One SRL reward per completion against its row's expert action or math step."""
    count = len(target)
    formats = tool_format if tool_format is not None else [None] * count
    domains = domain if domain is not None else [None] * count
    targets = [_truth(t, f, d) for t, f, d in zip(target, formats, domains)]
    answer = default_client().srl_rewards([_completion_text(c) for c in completions], targets=targets)
    return [float(reward) for reward in answer["rewards"]]


class SweSrlEnvironment:
    """One episode per rollout: `reset` starts it on the row's `instance_id`, the tools run in its
    sandbox, and `get_reward` closes it for the RLVR verdict. Start the server with
    `--templates function-calling`, since TRL calls tools natively."""

    def __init__(self, client=None):
        self.client = client or default_client()
        self.episode_id = None
        self.done = False
        self.reward = 0.0
        self.verdict = None

    def reset(self, **kwargs):
        self._release()
        started = self.client.start_episode(kwargs["instance_id"], kwargs.get("sample"))
        self.episode_id = started["episode_id"]
        self.done = False
        self.reward = 0.0
        self.verdict = None
        return started["messages"][-1]["content"]

    def _call(self, name, arguments):
        if self.done:
            raise ValueError("The episode is over.")
        answer = self.client.step(self.episode_id, text="", tool_calls=[{"name": name, "arguments": arguments}])
        self.done = bool(answer["done"])
        return answer["observation"]

    def bash(self, command: str) -> str:
        """
        Run a command in the repository's bash session.

        Args:
            command: The command line to run.

        Returns:
            The command's output.
        """
        return self._call("bash", {"command": command})

    def str_replace_editor(self, command: str, path: str, file_text: str = None, old_str: str = None, new_str: str = None, insert_line: int = None) -> str:
        """
        View, create or edit a file.

        Args:
            command: One of view, create, str_replace, insert, undo_edit.
            path: Absolute path of the file.
            file_text: The content, for create.
            old_str: The text to replace (exactly once), for str_replace.
            new_str: The new text, for str_replace and insert.
            insert_line: The line after which to insert, for insert.

        Returns:
            What the editor did, or the file's lines.
        """
        arguments = {"command": command, "path": path}
        for key, value in (("file_text", file_text), ("old_str", old_str), ("new_str", new_str), ("insert_line", insert_line)):
            if value is not None:
                arguments[key] = value
        return self._call("str_replace_editor", arguments)

    def submit(self) -> str:
        """
        Submit the changes made to the repository as the solution.

        Returns:
            A confirmation.
        """
        return self._call("submit", {})

    def get_reward(self):
        """Closes the episode and returns its RLVR reward (1 resolved, else 0; 0 for an infrastructure error)."""
        if self.verdict is None and self.episode_id is not None:
            closed = self.client.close_episode(self.episode_id)
            self.verdict = closed["verdict"]
            self.reward = verdict_reward(closed)
            self._release()
        return self.reward

    def _release(self):
        if self.episode_id is not None:
            self.client.discard_episode(self.episode_id)
            self.episode_id = None


def environment_reward(environments, **kwargs):
    """TRL reward function for `environment_factory` runs: each rollout's RLVR verdict."""
    return [env.get_reward() for env in environments]
