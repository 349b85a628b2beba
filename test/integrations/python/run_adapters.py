"""Drives every adapter against a live swe-srl server, as the frameworks would call them, and prints
what they returned as JSON for the TypeScript test to compare with in-process scoring.

    python3 run_adapters.py CASES.json   (SWE_SRL_URL and SWE_SRL_TOKEN name the server)
"""
import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(HERE, "..", "..", "..", "integrations", "python")
sys.path.insert(0, PACKAGE)


def load_by_path(name, path):
    # verl and OpenRLHF load a reward file by its path, outside any package: do the same.
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rewards(cases):
    verl = load_by_path("custom_module", os.path.join(PACKAGE, "swe_srl", "verl.py"))
    openrlhf_file = load_by_path("reward_func", os.path.join(PACKAGE, "swe_srl", "openrlhf.py"))
    from swe_srl.openrlhf import OpenRLHFRewardClient
    from swe_srl.trl import srl_reward

    responses = [item["response"] for item in cases["items"]]
    # verl's ground truth and OpenRLHF's label as `export` writes them: a math step's label is its ground truth as JSON.
    truths = [
        {"target": item["target"], "domain": "math"} if item.get("domain") == "math" else {"target": item["target"], "tool_format": item["tool_format"]}
        for item in cases["items"]
    ]
    prompt = cases["prompt"]
    queries = [prompt + response for response in responses]
    labels = [json.dumps(truth) if "domain" in truth else truth["target"] for truth in truths]
    openrlhf = openrlhf_file.reward_func(queries, [prompt] * len(queries), labels)
    return {
        "verl_compute_score": [verl.compute_score(cases["data_source"], r, t, {"index": i}) for i, (r, t) in enumerate(zip(responses, truths))],
        "verl_compute_score_batch": verl.compute_score_batch([cases["data_source"]] * len(responses), responses, truths, [{}] * len(responses)),
        # OpenRLHF's file returns tensors when torch is importable (Debian's python3-torch), lists otherwise.
        "openrlhf_reward_func": {key: (openrlhf[key].tolist() if hasattr(openrlhf[key], "tolist") else openrlhf[key]) for key in ("rewards", "scores")},
        "openrlhf_client": OpenRLHFRewardClient()(queries, [prompt] * len(queries), labels)["scores"],
        "trl_srl_reward": srl_reward(
            [[{"role": "assistant", "content": r}] for r in responses],
            target=[t["target"] for t in truths],
            tool_format=[t.get("tool_format") for t in truths],
            domain=[t.get("domain") for t in truths],
        ),
    }


def environments(cases):
    from swe_srl.rllm import SweSrlEnv
    from swe_srl.skyrl import SweSrlTextEnv
    from swe_srl.trl import SweSrlEnvironment, environment_reward

    out = {}
    env = SweSrlEnv.from_dict({"instance_id": cases["instance_id"]})
    observation, info = env.reset()
    first = env.step(cases["turns"][0])
    last = env.step(cases["turns"][-1])
    env.close()
    out["rllm"] = {"observation": observation, "episode_id": info["episode_id"], "first": list(first[:3]), "last": list(last[:3]), "verdict": last[3].get("verdict")}

    sky = SweSrlTextEnv(env_config={}, extras={"extra_info": {"instance_id": cases["instance_id"]}})
    messages, metadata = sky.init([{"role": "user", "content": "ignored: the server's prompt is used"}])
    steps = [sky.step(turn) for turn in cases["turns"]]
    sky.close()
    out["skyrl"] = {"messages": messages, "steps": steps}

    trl_env = SweSrlEnvironment()
    first_message = trl_env.reset(instance_id=cases["instance_id"], prompt="ignored")
    tool_output = trl_env.bash("ls")
    trl_env.submit()
    try:
        trl_env.bash("ls")
        after_done = None
    except ValueError as error:
        after_done = str(error)
    out["trl"] = {"first_message": first_message, "tool_output": tool_output, "after_done": after_done, "rewards": environment_reward([trl_env])}
    return out


def built_in_task(cases):
    """What an OpenRLHF run and a verl run do with one task: a reward batch on its steps, then a
    full episode through verl's tool interface, ending in the RLVR verdict."""
    import asyncio

    openrlhf_file = load_by_path("reward_func", os.path.join(PACKAGE, "swe_srl", "openrlhf.py"))
    verl = load_by_path("custom_module", os.path.join(PACKAGE, "swe_srl", "verl.py"))
    batch = cases["batch"]
    prompt = batch["prompt"]
    responses = [item["response"] for item in batch["items"]]
    labels = [item["label"] for item in batch["items"]]
    openrlhf = openrlhf_file.reward_func([prompt + r for r in responses], [prompt] * len(responses), labels)
    out = {
        "openrlhf": {key: (openrlhf[key].tolist() if hasattr(openrlhf[key], "tolist") else openrlhf[key]) for key in ("rewards", "scores")},
        "verl": verl.compute_score_batch(["swe-srl"] * len(responses), responses, labels, [{}] * len(responses)),
    }

    async def episode():
        tool = verl.SweSrlTool(config={}, tool_schema=verl.BASH_TOOL_SCHEMA)
        trajectory = await tool.create("request-0", task_instance_id=cases["episode"]["instance_id"])
        first = tool.episodes[trajectory]["messages"]
        observations = [await tool.execute(trajectory, {"command": command}) for command in cases["episode"]["commands"]]
        reward = await tool.calc_reward(trajectory)
        verdict = tool.episodes[trajectory]["verdict"]
        patch = tool.episodes[trajectory].get("patch")
        await tool.release(trajectory)
        return {"first_messages": first, "observations": [list(o) for o in observations], "reward": reward, "verdict": verdict, "patch": patch, "left": len(tool.episodes)}

    out["episode"] = asyncio.run(episode())
    return out


def failures():
    from swe_srl import SweSrlClient, SweSrlError

    out = {}
    try:
        SweSrlClient(token="wrong-token-wrong-token").srl_rewards(["x"], targets=["```\nls\n```"])
    except SweSrlError as error:
        out["wrong_token"] = {"status": error.status, "message": str(error)}
    try:
        SweSrlClient().srl_rewards(["x"], targets=["plain words"])
    except SweSrlError as error:
        out["bad_target"] = {"status": error.status, "field": error.field}
    return out


def main():
    with open(sys.argv[1]) as handle:
        cases = json.load(handle)
    result = {"python": sys.version.split()[0], "executable": sys.executable, "torch": importlib.util.find_spec("torch") is not None}
    if "items" in cases:
        result["rewards"] = rewards(cases)
        result["failures"] = failures()
    if "instance_id" in cases:
        result["environments"] = environments(cases)
    if "built_in_task" in cases:
        result["built_in_task"] = built_in_task(cases["built_in_task"])
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
