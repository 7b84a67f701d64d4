#!/usr/bin/env python3
"""DPO + LoRA for the Weird Goblin spec writer (docs/proposals.md "Style memory").

Trains a LoRA adapter on the reviewers' preferences that `goblin feedback export --dpo` writes
(JSONL rows {"prompt", "chosen", "rejected"}: the merged spec is chosen, the proposed one rejected),
with TRL's DPOTrainer and PEFT. It runs where a GPU and the base model's Hugging Face weights exist;
`goblin train dpo --dry-run` prints the exact command line, and `--check` parses the arguments and
validates the dataset without importing torch, so CI can test the recipe without training anything.

Serve the result with Ollama: tools/train/Modelfile (FROM the configured writer model, ADAPTER the
directory this script writes).
"""
import argparse
import json
import sys


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", required=True, help="DPO JSONL from `goblin feedback export --dpo --out FILE`")
    p.add_argument("--base-model", required=True, help="Hugging Face id or local path of the writer's base weights")
    p.add_argument("--output", required=True, help="directory for the LoRA adapter (adapter_model.safetensors)")
    p.add_argument("--epochs", type=float, default=3.0)
    p.add_argument("--learning-rate", type=float, default=5e-6)
    p.add_argument("--beta", type=float, default=0.1, help="DPO temperature: how far from the base model")
    p.add_argument("--lora-r", type=int, default=16)
    p.add_argument("--lora-alpha", type=int, default=32)
    p.add_argument("--lora-dropout", type=float, default=0.05)
    p.add_argument("--max-length", type=int, default=2048, help="prompt + answer tokens (specs are short)")
    p.add_argument("--batch-size", type=int, default=1)
    p.add_argument("--grad-accum", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--check", action="store_true", help="parse arguments and validate the dataset, then exit")
    a = p.parse_args(argv)
    if a.epochs <= 0 or a.learning_rate <= 0 or a.beta <= 0:
        p.error("--epochs, --learning-rate and --beta must be positive")
    if a.lora_r < 1 or a.lora_alpha < 1 or not 0 <= a.lora_dropout < 1:
        p.error("--lora-r and --lora-alpha must be >= 1, --lora-dropout in [0, 1)")
    return a


def validate_rows(path):
    """The rows TRL's DPOTrainer reads: non-empty prompt/chosen/rejected strings, chosen != rejected."""
    rows = 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            for k in ("prompt", "chosen", "rejected"):
                if not isinstance(row.get(k), str) or not row[k].strip():
                    raise ValueError(f"{path}:{n}: '{k}' must be a non-empty string")
            if row["chosen"] == row["rejected"]:
                raise ValueError(f"{path}:{n}: chosen and rejected are the same text")
            rows += 1
    if rows == 0:
        raise ValueError(f"{path}: no preference pairs (review some PRs, then goblin feedback sync)")
    return rows


def train(a):
    # Heavy imports only here: --check must work without torch, transformers, trl or peft installed.
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import DPOConfig, DPOTrainer

    tokenizer = AutoTokenizer.from_pretrained(a.base_model)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = AutoModelForCausalLM.from_pretrained(a.base_model, torch_dtype="auto", device_map="auto")
    dataset = load_dataset("json", data_files=a.data, split="train")
    config = DPOConfig(
        output_dir=a.output,
        beta=a.beta,
        learning_rate=a.learning_rate,
        num_train_epochs=a.epochs,
        per_device_train_batch_size=a.batch_size,
        gradient_accumulation_steps=a.grad_accum,
        max_length=a.max_length,
        seed=a.seed,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
    )
    lora = LoraConfig(
        r=a.lora_r,
        lora_alpha=a.lora_alpha,
        lora_dropout=a.lora_dropout,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    trainer = DPOTrainer(model=model, args=config, train_dataset=dataset, processing_class=tokenizer, peft_config=lora)
    trainer.train()
    trainer.save_model(a.output)  # the PEFT adapter: adapter_config.json + adapter_model.safetensors


def main(argv):
    a = parse_args(argv)
    rows = validate_rows(a.data)
    if a.check:
        print(json.dumps({"ok": True, "rows": rows, "args": vars(a)}, sort_keys=True))
        return 0
    train(a)
    print(f"adapter written to {a.output} from {rows} preference pair(s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (ValueError, json.JSONDecodeError) as e:
        print(f"dpo_lora: {e}", file=sys.stderr)
        sys.exit(3)
