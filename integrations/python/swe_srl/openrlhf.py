"""OpenRLHF: the server speaks OpenRLHF's remote reward protocol at /get_reward, so

    --remote_rm_url http://HOST:8765/get_reward --label_key label --input_key prompt --apply_chat_template

works as it is on loopback. OpenRLHF's own HTTP client sends no token, so for a server elsewhere point
--remote_rm_url at this file instead: its `reward_func` forwards the batch with SWE_SRL_TOKEN.
"""
try:
    from .client import SweSrlClient, default_client
except ImportError:  # loaded from its path, as verl and OpenRLHF load reward files: no package around it
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from swe_srl.client import SweSrlClient, default_client


class OpenRLHFRewardClient:
    """Posts batches in OpenRLHF's protocol: {query, prompts, labels} -> {rewards, scores, extra_logs}."""

    def __init__(self, client=None):
        self.client = client or default_client()

    def __call__(self, queries, prompts, labels):
        return self.client.get_reward(queries, prompts, labels)


def reward_func(queries, prompts, labels, **kwargs):
    """OpenRLHF's custom reward function (`--remote_rm_url path/to/openrlhf.py`)."""
    answer = OpenRLHFRewardClient()(queries, prompts, labels)
    try:
        import torch  # OpenRLHF hands these on as tensors

        return {
            "rewards": torch.tensor(answer["rewards"]),
            "scores": torch.tensor(answer["scores"]),
            "extra_logs": {key: torch.tensor(value) for key, value in answer["extra_logs"].items()},
        }
    except ImportError:
        return answer


__all__ = ["OpenRLHFRewardClient", "reward_func", "SweSrlClient"]
