"""PyTorch comparison for `npm run bench:train`: one DPO training step (policy forward and
backward on chosen and rejected sequences, sigmoid loss against fixed reference log-probs,
global-norm clipping, AdamW) of a GPT-2-style model, timed on the CPU (best of the steps after two warm-up steps).

Run: python3 bench/torch_dpo.py '{"threads": 2, "configs": [{"d": 128, "layers": 2, "T": 64,
"B": 16, "vocab": 1024, "heads": 4}]}'  -> prints one JSON object with ms per step.
"""

import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class Block(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln_1 = torch.nn.LayerNorm(d)
        self.c_attn = torch.nn.Linear(d, 3 * d)
        self.c_proj = torch.nn.Linear(d, d)
        self.ln_2 = torch.nn.LayerNorm(d)
        self.c_fc = torch.nn.Linear(d, 4 * d)
        self.mlp_proj = torch.nn.Linear(4 * d, d)

    def forward(self, x, mask):
        B, T, d = x.shape
        hd = d // self.heads
        q, k, v = self.c_attn(self.ln_1(x)).split(d, dim=2)
        q = q.view(B, T, self.heads, hd).transpose(1, 2)
        k = k.view(B, T, self.heads, hd).transpose(1, 2)
        v = v.view(B, T, self.heads, hd).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, d)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(torch.nn.Module):
    def __init__(self, vocab, d, layers, heads, positions):
        super().__init__()
        self.wte = torch.nn.Embedding(vocab, d)
        self.wpe = torch.nn.Embedding(positions, d)
        self.h = torch.nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f = torch.nn.LayerNorm(d)

    def forward(self, idx):
        B, T = idx.shape
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x, mask)
        return self.ln_f(x) @ self.wte.weight.t()


def bench(cfg, steps=8):
    torch.manual_seed(0)
    B, T, vocab = cfg["B"], cfg["T"], cfg["vocab"]
    model = GPT(vocab, cfg["d"], cfg["layers"], cfg["heads"], T + 1)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-5, weight_decay=0.0)
    seqs = torch.randint(0, vocab, (B, T + 1))
    inputs, targets = seqs[:, :-1], seqs[:, 1:]
    mask = torch.ones(B, T)
    ref = torch.randn(B) - 100.0
    times = []
    for i in range(steps + 2):
        t0 = time.perf_counter()
        logp = model(inputs).log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        seq = (logp * mask).sum(-1)
        chosen, rejected = seq[0::2], seq[1::2]
        h = (chosen - ref[0::2]) - (rejected - ref[1::2])
        loss = -F.logsigmoid(0.1 * h).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if i >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"ms": times[0], "median_ms": times[len(times) // 2]}


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(spec.get("threads", 1))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "results": []}
    for cfg in spec["configs"]:
        out["results"].append({**cfg, **bench(cfg, spec.get("steps", 8))})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
