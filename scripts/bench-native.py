"""PyTorch reference for scripts/bench-native.ts: the probe model (Llama layout: RMS norm, rotary
positions, SwiGLU, tied embeddings) trained with Adam and sampled greedily with a KV cache, on the
same shapes. Prints one JSON object. Run by the TypeScript script; by hand:

    /usr/bin/python3 scripts/bench-native.py '{"model": {...}, "train": {...}, "sample": {...}}'
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


def rms_norm(x, weight, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight


def rope_tables(offset, length, dim, theta):
    half = dim // 2
    positions = torch.arange(offset, offset + length, dtype=torch.float64)[:, None]
    inverse = theta ** (-(2.0 * torch.arange(half, dtype=torch.float64)) / dim)
    angles = positions * inverse[None, :]
    cos = torch.cat([angles.cos(), angles.cos()], -1).float()
    sin = torch.cat([angles.sin(), angles.sin()], -1).float()
    return cos, sin


def rope(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat([-x[..., half:], x[..., :half]], -1)
    return x * cos + rotated * sin


class ProbeModel(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        d, inner = c["hiddenSize"], c["intermediateSize"]
        normal = lambda *shape: torch.nn.Parameter(torch.randn(*shape) * 0.02)
        ones = lambda n: torch.nn.Parameter(torch.ones(n))
        self.embed = normal(c["vocabSize"], d)
        self.layers = torch.nn.ModuleList()
        for _ in range(c["layers"]):
            layer = torch.nn.Module()
            layer.norm1, layer.norm2 = ones(d), ones(d)
            layer.q, layer.k, layer.v, layer.o = normal(d, d), normal(d, d), normal(d, d), normal(d, d)
            layer.gate, layer.up, layer.down = normal(inner, d), normal(inner, d), normal(d, inner)
            self.layers.append(layer)
        self.norm = ones(d)

    def forward(self, ids, cache=None):
        c = self.c
        batch, length = ids.shape
        heads = c["heads"]
        head_dim = c["hiddenSize"] // heads
        offset = 0 if cache is None else cache[0][0].shape[2]
        cos, sin = rope_tables(offset, length, head_dim, c["ropeTheta"])
        split = lambda t: t.view(batch, length, heads, head_dim).transpose(1, 2)
        x = F.embedding(ids, self.embed)
        new_cache = []
        for i, layer in enumerate(self.layers):
            h = rms_norm(x, layer.norm1, c["rmsNormEps"])
            q = rope(split(F.linear(h, layer.q)), cos, sin)
            k = rope(split(F.linear(h, layer.k)), cos, sin)
            v = split(F.linear(h, layer.v))
            if cache is not None:
                k = torch.cat([cache[i][0], k], 2)
                v = torch.cat([cache[i][1], v], 2)
            new_cache.append((k, v))
            scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim)
            tq, tk = q.shape[2], k.shape[2]
            mask = torch.ones(tq, tk, dtype=torch.bool).tril(tk - tq)
            scores = scores.masked_fill(~mask, float("-inf"))
            attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, -1)
            x = x + F.linear(attended, layer.o)
            h = rms_norm(x, layer.norm2, c["rmsNormEps"])
            x = x + F.linear(F.silu(F.linear(h, layer.gate)) * F.linear(h, layer.up), layer.down)
        final = rms_norm(x, self.norm, c["rmsNormEps"])
        return F.linear(final, self.embed), new_cache


def best_rate(run, tokens, warmup, budget_seconds, min_runs):
    for _ in range(warmup):
        run()
    times = []
    started = time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - started < budget_seconds:
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
        if len(times) >= 50:
            break
    return tokens / min(times), len(times)


def main():
    spec = json.loads(sys.argv[1])
    torch.manual_seed(0)
    torch.set_num_threads(spec.get("threads", 2))
    model = ProbeModel(spec["model"])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    train = spec["train"]
    vocab = spec["model"]["vocabSize"]
    ids = torch.randint(0, vocab, (train["batch"], train["length"] + 1))

    def train_step():
        logits, _ = model(ids[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab), ids[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    train_rate, train_runs = best_rate(train_step, train["batch"] * train["length"], 1, train["budgetSeconds"], 2)

    sample = spec["sample"]
    prompt = torch.randint(0, vocab, (sample["batch"], sample["promptLength"]))

    def generate():
        with torch.no_grad():
            logits, cache = model(prompt)
            token = logits[:, -1].argmax(-1, keepdim=True)
            for _ in range(sample["newTokens"] - 1):
                logits, cache = model(token, cache)
                token = logits[:, -1].argmax(-1, keepdim=True)

    sample_rate, sample_runs = best_rate(generate, sample["batch"] * sample["newTokens"], 1, sample["budgetSeconds"], 2)

    n = 1024
    a, b = torch.randn(n, n), torch.randn(n, n)
    matmul_rate, _ = best_rate(lambda: a @ b, 2 * n ** 3, 2, 1.0, 5)
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "trainingTokensPerSecond": train_rate,
        "trainingRuns": train_runs,
        "samplingTokensPerSecond": sample_rate,
        "samplingRuns": sample_runs,
        "matmulGflops": matmul_rate / 1e9,
    }))


if __name__ == "__main__":
    main()
