"""DPO training of a causal language model on Redline preference pairs, with TRL.

Reads the output of `redline export --format trl` (or `--format trl-chat`): one JSON object per
line with `prompt`, `chosen` and `rejected`, plus Redline's provenance columns, among them
`chosen_range` and `rejected_range`, the code-point ranges of the completions outside which the
two texts are identical. DPO: Rafailov et al. 2023, "Direct Preference Optimization", eq. 7:

    L = -log sigmoid(beta * [(log pi(y_w|x) - log ref(y_w|x)) - (log pi(y_l|x) - log ref(y_l|x))])

Run on one GPU:      python train_dpo.py --data pairs.trl.jsonl --model Qwen/Qwen2.5-0.5B-Instruct
Run on many GPUs:    accelerate launch --config_file accelerate/deepspeed_zero3.yaml \
                         train_dpo.py --data pairs.trl.jsonl --model meta-llama/Llama-3.1-8B-Instruct
Check a file only:   python train_dpo.py --data pairs.trl.jsonl --check-data
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from dataclasses import fields
from pathlib import Path

REQUIRED = ("prompt", "chosen", "rejected")
RANGES = ("chosen_range", "rejected_range")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # data
    p.add_argument("--data", required=True, help="pairs from `redline export --format trl`")
    p.add_argument("--eval-data", help="held-out pairs; default: split --eval-fraction off --data")
    p.add_argument("--eval-fraction", type=float, default=0.05, help="share of pairs held out")
    p.add_argument("--check-data", action="store_true", help="validate the file, print stats, exit")
    p.add_argument("--seed", type=int, default=0)
    # model
    p.add_argument("--model", help="model id or path of the policy (and reference) model")
    p.add_argument("--lora", action="store_true", help="train LoRA adapters (needs peft)")
    p.add_argument("--lora-r", type=int, default=16)
    p.add_argument("--gradient-checkpointing", action="store_true")
    # training
    p.add_argument("--output-dir", default="runs/trl-dpo")
    p.add_argument("--beta", type=float, default=0.1, help="DPO beta: strength of the KL anchor")
    p.add_argument("--loss-type", default="sigmoid", help="TRL loss: sigmoid, ipo, robust, ...")
    p.add_argument("--learning-rate", type=float, default=5e-7)
    p.add_argument("--epochs", type=float, default=1.0)
    p.add_argument("--batch-size", type=int, default=4, help="per device")
    p.add_argument("--grad-accum", type=int, default=4)
    p.add_argument("--max-length", type=int, default=2048, help="prompt + completion tokens")
    p.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--logging-steps", type=int, default=10)
    p.add_argument("--report-to", default="none", help="none, tensorboard, wandb, ...")
    return p.parse_args(argv)


def load_pairs(path: str) -> list[dict]:
    """Reads and checks a pairs file; raises ValueError naming the line and the fix."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{number}: not JSON ({err})") from err
            missing = [k for k in REQUIRED if k not in row]
            if missing:
                raise ValueError(
                    f"{path}:{number}: missing {', '.join(missing)}; "
                    "make the file with `redline export --format trl`"
                )
            check_ranges(row, f"{path}:{number}")
            rows.append(row)
    if not rows:
        raise ValueError(f"{path}: no pairs; run `redline pairs` and `redline export` first")
    return rows


def completion_text(value) -> str:
    """The completion as text: a string, or the content of the last message of a list."""
    return value if isinstance(value, str) else value[-1]["content"]


def check_ranges(row: dict, where: str) -> None:
    """The two completions must agree outside their edited ranges (code points, as in Python)."""
    if not all(k in row for k in RANGES):
        return
    chosen, rejected = completion_text(row["chosen"]), completion_text(row["rejected"])
    (cs, ce), (rs, re) = row["chosen_range"], row["rejected_range"]
    if not (0 <= cs <= ce <= len(chosen) and 0 <= rs <= re <= len(rejected)):
        raise ValueError(f"{where}: edited ranges {row['chosen_range']}, {row['rejected_range']} "
                         "do not fit the completions")
    if chosen[:cs] != rejected[:rs] or chosen[ce:] != rejected[re:]:
        raise ValueError(f"{where}: chosen and rejected differ outside their edited ranges")


def describe(rows: list[dict]) -> dict:
    """Counts and the share of each completion that the edit covers."""
    edited = [
        (r["chosen_range"][1] - r["chosen_range"][0]) / max(1, len(completion_text(r["chosen"])))
        for r in rows
        if "chosen_range" in r
    ]
    strategies: dict[str, int] = {}
    for r in rows:
        strategies[r.get("strategy", "unknown")] = strategies.get(r.get("strategy", "unknown"), 0) + 1
    return {
        "pairs": len(rows),
        "with_ranges": len(edited),
        "mean_edited_fraction": round(sum(edited) / len(edited), 4) if edited else None,
        "strategies": strategies,
        "conversational": bool(rows) and not isinstance(rows[0]["prompt"], str),
    }


def split(rows: list[dict], fraction: float, seed: int) -> tuple[list[dict], list[dict]]:
    """Holds out pairs by source record, so drafts of one chain never straddle the split."""
    sources = sorted({r.get("source_id", str(i)) for i, r in enumerate(rows)})
    random.Random(seed).shuffle(sources)
    held = set(sources[: max(1, math.floor(len(sources) * fraction))] if fraction > 0 else [])
    train = [r for i, r in enumerate(rows) if r.get("source_id", str(i)) not in held]
    test = [r for i, r in enumerate(rows) if r.get("source_id", str(i)) in held]
    return train, test


def config_kwargs(config_class, wanted: dict) -> dict:
    """Keeps the settings this TRL version knows, so the recipe runs across versions."""
    known = {f.name for f in fields(config_class)}
    dropped = sorted(k for k in wanted if k not in known)
    if dropped:
        print(f"train_dpo: this TRL version has no {', '.join(dropped)}; ignored", file=sys.stderr)
    return {k: v for k, v in wanted.items() if k in known}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)

    # read and check the pairs before any expensive import
    rows = load_pairs(args.data)
    stats = describe(rows)
    if args.check_data:
        print(json.dumps(stats))
        return
    if not args.model:
        raise SystemExit("train_dpo: --model is required to train (or pass --check-data)")
    if args.eval_data:
        train_rows, eval_rows = rows, load_pairs(args.eval_data)
    else:
        train_rows, eval_rows = split(rows, args.eval_fraction, args.seed)
    print(f"train_dpo: {len(train_rows)} train / {len(eval_rows)} eval pairs; {stats}", file=sys.stderr)

    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    # the trainer reads prompt/chosen/rejected; the ranges were used above and stay in the file
    def to_dataset(part: list[dict]):
        return Dataset.from_list([{k: r[k] for k in REQUIRED} for r in part]) if part else None

    tokenizer = AutoTokenizer.from_pretrained(args.model)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(
        args.model, torch_dtype=torch.bfloat16 if args.bf16 else torch.float32
    )

    peft_config = None
    if args.lora:
        from peft import LoraConfig

        peft_config = LoraConfig(r=args.lora_r, lora_alpha=2 * args.lora_r, task_type="CAUSAL_LM",
                                 target_modules="all-linear")

    eval_set = to_dataset(eval_rows)
    config = DPOConfig(**config_kwargs(DPOConfig, {
        "output_dir": args.output_dir,
        "beta": args.beta,
        "loss_type": args.loss_type,
        "learning_rate": args.learning_rate,
        "num_train_epochs": args.epochs,
        "per_device_train_batch_size": args.batch_size,
        "per_device_eval_batch_size": args.batch_size,
        "gradient_accumulation_steps": args.grad_accum,
        "gradient_checkpointing": args.gradient_checkpointing,
        "max_length": args.max_length,
        "bf16": args.bf16,
        "logging_steps": args.logging_steps,
        "eval_strategy": "steps" if eval_set is not None else "no",
        "eval_steps": max(args.logging_steps * 10, 50),
        "save_strategy": "epoch",
        "report_to": args.report_to,
        "seed": args.seed,
    }))
    trainer = DPOTrainer(
        model=model,
        ref_model=None,  # TRL copies the initial policy as the frozen reference
        args=config,
        train_dataset=to_dataset(train_rows),
        eval_dataset=eval_set,
        processing_class=tokenizer,
        peft_config=peft_config,
    )
    trainer.train()
    trainer.save_model(args.output_dir)
    if trainer.is_world_process_zero():
        Path(args.output_dir, "redline_data_stats.json").write_text(json.dumps(stats, indent=2))
        print(f"train_dpo: saved to {args.output_dir}", file=sys.stderr)


if __name__ == "__main__":
    try:
        main()
    except ValueError as err:
        raise SystemExit(f"train_dpo: {err}") from None
