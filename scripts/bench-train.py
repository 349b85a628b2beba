#!/usr/bin/env python3
"""PyTorch reference for scripts/bench-train.ts: the same model (loaded from the model folder the
TypeScript side wrote: safetensors + Llama config.json, read here with struct and json) and the
same batch, timed for training, sampling with and without a KV cache, and OpenBLAS's 1024² matmul.
Run by the TypeScript side with one JSON argument:

    /usr/bin/python3 scripts/bench-train.py '{"model_dir": …, "check": …, "threads": 1, "batch": 4, "seq": 256,
        "steps": 3, "samples": 8, "prompt": 224, "new_tokens": 32, "sample_runs": 2, "no_cache": false}'

Prints one JSON object. Needs Debian's python3-torch and libopenblas0-pthread (without OpenBLAS,
Debian's torch falls back to the reference BLAS, about 30x slower).
"""
import json
import math
import os
import resource
import struct
import sys
import time

try:
    import torch
except ImportError:
    print(json.dumps({"available": False, "reason": "python3-torch is not installed: apt-get install python3-torch libopenblas0-pthread"}))
    sys.exit(0)


def blas_library():
    """The BLAS the process actually mapped (after a matmul has run)."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    with open("/proc/self/maps") as maps:
        names = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(names)


def read_safetensors(path):
    with open(path, "rb") as handle:
        data = handle.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    body = memoryview(data)[8 + length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        assert entry["dtype"] == "F32", name
        tensors[name] = torch.frombuffer(bytearray(body[begin:end]), dtype=torch.float32).reshape(entry["shape"])
    return tensors


class Llama(torch.nn.Module):
    """Pre-norm RMSNorm, rotary positions (rotate-half), SwiGLU MLP, tied or untied head: the layout of src/train/model/transformer.ts."""

    def __init__(self, config, weights):
        super().__init__()
        self.c = config
        self.w = torch.nn.ParameterDict({name.replace(".", "__"): torch.nn.Parameter(t.clone()) for name, t in weights.items()})
        self.heads = config["num_attention_heads"]
        self.dim = config["hidden_size"] // self.heads
        self.eps = config["rms_norm_eps"]
        self.theta = config["rope_theta"]
        self.tied = config["tie_word_embeddings"]

    def p(self, name):
        return self.w[name.replace(".", "__")]

    def norm(self, x, name):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.p(name)

    def rope(self, x, offset):
        t = x.shape[2]
        half = self.dim // 2
        inv = 1.0 / (self.theta ** (torch.arange(0, half, dtype=torch.float32) * 2 / self.dim))
        angles = torch.arange(offset, offset + t, dtype=torch.float32)[:, None] * inv[None, :]
        cos = torch.cat([angles.cos(), angles.cos()], -1)
        sin = torch.cat([angles.sin(), angles.sin()], -1)
        rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
        return x * cos + rotated * sin

    def forward(self, ids, cache=None):
        b, t = ids.shape
        offset = 0 if cache is None else cache[0][0].shape[2]
        x = self.p("model.embed_tokens.weight")[ids]
        new_cache = []
        for layer in range(self.c["num_hidden_layers"]):
            pre = f"model.layers.{layer}"
            h = self.norm(x, f"{pre}.input_layernorm.weight")
            split = lambda y: y.view(b, t, self.heads, self.dim).transpose(1, 2)
            q = self.rope(split(h @ self.p(f"{pre}.self_attn.q_proj.weight").T), offset)
            k = self.rope(split(h @ self.p(f"{pre}.self_attn.k_proj.weight").T), offset)
            v = split(h @ self.p(f"{pre}.self_attn.v_proj.weight").T)
            if cache is not None:
                k = torch.cat([cache[layer][0], k], 2)
                v = torch.cat([cache[layer][1], v], 2)
            new_cache.append((k, v))
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.dim)
            tk = k.shape[2]
            mask = torch.full((t, tk), float("-inf")).triu(tk - t + 1)
            attended = torch.softmax(scores + mask, -1) @ v
            x = x + attended.transpose(1, 2).reshape(b, t, -1) @ self.p(f"{pre}.self_attn.o_proj.weight").T
            h = self.norm(x, f"{pre}.post_attention_layernorm.weight")
            gate = torch.nn.functional.silu(h @ self.p(f"{pre}.mlp.gate_proj.weight").T)
            up = h @ self.p(f"{pre}.mlp.up_proj.weight").T
            x = x + (gate * up) @ self.p(f"{pre}.mlp.down_proj.weight").T
        x = self.norm(x, "model.norm.weight")
        head = self.p("model.embed_tokens.weight" if self.tied else "lm_head.weight")
        return x @ head.T, new_cache


def timed(run, count):
    """Seconds of each of `count` calls."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main():
    spec = json.loads(sys.argv[1])
    torch.manual_seed(0)
    threads = int(spec["threads"])
    torch.set_num_threads(threads)
    blas = blas_library()
    model_dir = spec["model_dir"]
    with open(os.path.join(model_dir, "config.json")) as handle:
        config = json.load(handle)
    model = Llama(config, read_safetensors(os.path.join(model_dir, "model.safetensors")))
    vocab = config["vocab_size"]

    with open(spec["check"]) as handle:
        check = json.load(handle)
    with torch.no_grad():
        logits, _ = model(torch.tensor([check["ids"]]))
    check_difference = float((logits.flatten() - torch.tensor(check["logits"])).abs().max())

    batch, seq = spec["batch"], spec["seq"]
    ids = torch.randint(0, vocab, (batch, seq))
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.01)

    def train_step():
        # As the trainer does: the model runs on the first T - 1 positions, which predict the last T - 1 tokens.
        logits, _ = model(ids[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, vocab), ids[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    train_step()
    train_times = timed(train_step, spec["steps"])

    samples, new_tokens = spec["samples"], spec["new_tokens"]
    prompt = ids[:1, : spec["prompt"]]

    def sample(use_cache, tokens_wanted):
        # One prompt, `samples` continuations at temperature 1, as the trainer's generate: the
        # prompt runs once and its cache is repeated for every sample.
        with torch.no_grad():
            logits, cache = model(prompt)
            logits = logits[:, -1:].expand(samples, 1, vocab)
            cache = [(k.expand(samples, -1, -1, -1).contiguous(), v.expand(samples, -1, -1, -1).contiguous()) for k, v in cache]
            tokens = prompt.expand(samples, -1)
            for step in range(tokens_wanted):
                nxt = torch.multinomial(torch.softmax(logits[:, -1], -1), 1)
                if step == tokens_wanted - 1:
                    break
                if use_cache:
                    logits, cache = model(nxt, cache)
                else:
                    tokens = torch.cat([tokens, nxt], 1)
                    logits, _ = model(tokens)

    sample(True, 2)
    sample_times = timed(lambda: sample(True, new_tokens), spec["sample_runs"])
    prefill_times = timed(lambda: sample(True, 1), spec["sample_runs"])
    no_cache_times = timed(lambda: sample(False, new_tokens), 1) if spec["no_cache"] else []

    a = torch.randn(1024, 1024)
    b = torch.randn(1024, 1024)
    torch.mm(a, b)
    matmul = min(timed(lambda: torch.mm(a, b), 10))

    print(json.dumps({
        "available": True,
        "version": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas,
        "openblas": any("openblas" in name for name in blas),
        "check_max_logit_difference": check_difference,
        "train_seconds": train_times,
        "sample_seconds": sample_times,
        "prefill_seconds": prefill_times,
        "no_cache_seconds": no_cache_times,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "matmul_1024_gflops": 2 * 1024**3 / matmul / 1e9,
    }))


main()
