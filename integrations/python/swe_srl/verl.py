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
