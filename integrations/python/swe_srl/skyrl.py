"""SkyRL: a skyrl-gym text environment on a swe-srl server's episodes.

    from skyrl_gym.envs import register
    register(id="swe_srl", entry_point="swe_srl.skyrl:SweSrlTextEnv")
    # then: environment.env_class=swe_srl, and each dataset row's extra_info carries instance_id
"""
from .client import default_client, verdict_reward

try:
    from skyrl_gym.envs.base_text_env import BaseTextEnv, BaseTextEnvStepOutput
except ImportError:  # the same methods without skyrl-gym installed

    class BaseTextEnv:
        def __init__(self):
            self.turns = 0
            self.max_turns = 1

        def init(self, prompt):
            return prompt, {}

        def step(self, action):
            raise NotImplementedError

        def close(self):
            pass

    def BaseTextEnvStepOutput(**fields):
        return dict(fields)


class SweSrlTextEnv(BaseTextEnv):
    """`init` starts an episode (the server's messages become the prompt), `step` runs the model's
    output, and the last step's reward is the episode's RLVR reward."""

    def __init__(self, env_config=None, extras=None, client=None):
        super().__init__()
        extras = extras or {}
        extra_info = extras.get("extra_info") or {}
        self.instance_id = extras.get("instance_id") or extra_info.get("instance_id")
        if not self.instance_id:
            raise ValueError("extras: expected instance_id (in the row or its extra_info)")
        self.sample = extras.get("sample", extra_info.get("sample"))
        self.max_turns = int(extras.get("max_turns", extra_info.get("max_turns", 50)))
        self.client = client or default_client()
        self.episode_id = None
        self.verdict = None

    def init(self, prompt):
        started = self.client.start_episode(self.instance_id, self.sample)
        self.episode_id = started["episode_id"]
        return started["messages"], {"episode_id": self.episode_id}

    def step(self, action):
        self.turns += 1
        answer = self.client.step(self.episode_id, text=action)
        done = bool(answer["done"]) or self.turns >= self.max_turns
        reward = 0.0
        metadata = {"exit_status": answer.get("exit_status")}
        if done:
            closed = self.client.close_episode(self.episode_id)
            self.verdict = closed["verdict"]
            reward = verdict_reward(closed)
            metadata["verdict"] = self.verdict
        observations = [] if done else [{"role": "user", "content": answer["observation"]}]
        return BaseTextEnvStepOutput(observations=observations, reward=reward, done=done, metadata=metadata)

    def close(self):
        if self.episode_id is not None:
            self.client.discard_episode(self.episode_id)
            self.episode_id = None
