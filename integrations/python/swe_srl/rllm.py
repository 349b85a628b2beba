"""rLLM: an environment on a swe-srl server's episodes.

    from swe_srl.rllm import SweSrlEnv
    # AgentExecutionEngine(env_class=SweSrlEnv, env_args={...}, ...); each task dict carries instance_id
"""
from .client import default_client, verdict_reward

try:
    from rllm.environments.base.base_env import BaseEnv
except ImportError:  # the same methods without rllm installed

    class BaseEnv:
        def reset(self):
            raise NotImplementedError

        def step(self, action):
            raise NotImplementedError

        def close(self):
            pass

        @staticmethod
        def from_dict(info):
            raise NotImplementedError

        @staticmethod
        def is_multithread_safe():
            return True


class SweSrlEnv(BaseEnv):
    """`reset` starts an episode and returns the task prompt, `step` runs one model output, and the
    step that ends the episode carries its RLVR reward; `close` removes the sandbox."""

    def __init__(self, instance_id, sample=None, client=None):
        self.instance_id = instance_id
        self.sample = sample
        self.client = client or default_client()
        self.episode_id = None
        self.verdict = None

    def reset(self):
        self.close()
        started = self.client.start_episode(self.instance_id, self.sample)
        self.episode_id = started["episode_id"]
        self.verdict = None
        return started["messages"][-1]["content"], {"episode_id": self.episode_id, "messages": started["messages"]}

    def step(self, action):
        text = action if isinstance(action, str) else getattr(action, "action", str(action))
        answer = self.client.step(self.episode_id, text=text)
        reward = 0.0
        info = {"exit_status": answer.get("exit_status")}
        if answer["done"]:
            reward = self.compute_final_reward()
            info["verdict"] = self.verdict
        return answer["observation"], reward, bool(answer["done"]), info

    def compute_final_reward(self):
        """Closes the episode: 1 when resolved, else 0 (0 and an `error` verdict for an infrastructure error)."""
        if self.verdict is None:
            closed = self.client.close_episode(self.episode_id)
            self.verdict = closed["verdict"]
            self.patch = closed.get("patch")
        return verdict_reward({"verdict": self.verdict})

    def close(self):
        if self.episode_id is not None:
            self.client.discard_episode(self.episode_id)
            self.episode_id = None

    @staticmethod
    def from_dict(info):
        return SweSrlEnv(instance_id=info["instance_id"], sample=info.get("sample"))

    @staticmethod
    def is_multithread_safe():
        return True
