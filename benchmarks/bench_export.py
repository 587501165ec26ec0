"""Peak memory of the GGUF export of a sharded checkpoint, beside one shard and the whole model.

    python benchmarks/bench_export.py [--hidden 768] [--layers 12] [--vocab 32000] [--shard-mb 64]
                                      [--dtype f16] [--keep DIR]

Builds a random Qwen2-shaped checkpoint in bf16 (as real ones are stored), saved in shards of
--shard-mb, then measures, each in a fresh process so the figures do not mix:
- baseline: the same imports with nothing exported (Python, torch, safetensors, gguf, numpy);
- export: ``training.gguf.export_model`` to --dtype, which streams one shard at a time;
- held: every tensor converted and kept until the file is written, as the first version of the
  exporter did (the gguf writer's add_tensor keeps each array until write_tensors_to_file).
Peak memory is the peak resident set (VmHWM, reset after the imports); the working set is that peak
minus what was resident before the work. Resident memory counts the mapped shard's pages (file-backed,
reclaimable) as well as allocations. Target (issue 17): the export's working set stays near one
shard, not the whole model.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IMPORTS = "import numpy, torch, safetensors, gguf, training.gguf"
# After the imports, the kernel's peak-RSS mark is reset (clear_refs 5), so the figure is the peak
# of the measured work alone on top of what was resident before it: imports can peak higher than
# the work and would hide it from a plain ru_maxrss.
RESET = "open('/proc/self/clear_refs', 'w').write('5')"
PEAK = (
    "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
    "print('PEAK', int(status['VmHWM'].split()[0]) * 1024, int(status['VmRSS'].split()[0]) * 1024)"
)
BEFORE = (
    "status = dict(line.split(':', 1) for line in open('/proc/self/status'))\n"
    "print('BEFORE', int(status['VmRSS'].split()[0]) * 1024)"
)

HOLD_ALL = """
held = []
for f in files:
    with safe_open(f, framework="pt") as h:
        for k in h.keys():
            a = h.get_tensor(k).to(torch.float32).numpy()
            held.append(a if a.ndim == 1 else a.astype({dtype}))
"""


def build(out: Path, hidden: int, layers: int, vocab: int, shard_mb: int) -> Path:
    import torch
    from transformers import AutoModelForCausalLM, Qwen2Config

    from training.tiny_model import build_tokenizer, synoema_corpus

    tok = build_tokenizer(synoema_corpus(), 640)
    config = Qwen2Config(
        vocab_size=vocab,
        hidden_size=hidden,
        intermediate_size=hidden * 8 // 3 // 64 * 64,
        num_hidden_layers=layers,
        num_attention_heads=hidden // 64,
        num_key_value_heads=max(1, hidden // 64 // 4),
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        bos_token_id=0,
        eos_token_id=2,
    )
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model.save_pretrained(out, max_shard_size=f"{shard_mb}MB")
    tok.save_pretrained(out)
    return out


def peak_of(setup: str, work: str) -> tuple[int, int, float]:
    """(resident bytes after ``setup``, peak resident bytes during ``work``, seconds of ``work``)."""
    code = f"{setup}\n{BEFORE}\n{RESET}\nimport time\nt = time.perf_counter()\n{work}\n"
    code += f"print('TIME', time.perf_counter() - t)\n{PEAK}"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"},
    )
    found = {ln.split()[0]: ln.split()[1:] for ln in done.stdout.splitlines() if ln.split()}
    return int(found["BEFORE"][0]), int(found["PEAK"][0]), float(found["TIME"][0])


def mb(n: float) -> str:
    return f"{n / 2**20:8.1f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--vocab", type=int, default=32000)
    parser.add_argument("--shard-mb", type=int, default=64)
    parser.add_argument("--dtype", default="f16")
    parser.add_argument("--keep", type=Path, help="build the checkpoint here and keep it")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        src = build(args.keep or Path(tmp) / "ckpt", args.hidden, args.layers, args.vocab, args.shard_mb)
        shards = sorted(src.glob("model-*.safetensors")) or [src / "model.safetensors"]
        model_bytes = sum(s.stat().st_size for s in shards)
        largest = max(s.stat().st_size for s in shards)
        config = json.loads((src / "config.json").read_text())
        out = Path(tmp) / "out.gguf"

        idle = peak_of(IMPORTS, "pass")
        export = peak_of(
            f"{IMPORTS}\nfrom training.gguf import export_model",
            f"export_model({str(src)!r}, {str(out)!r}, dtype={args.dtype!r}, allow_missing_template=True)",
        )
        held = peak_of(
            f"{IMPORTS}\nfrom safetensors import safe_open\nfiles = {[str(s) for s in shards]!r}",
            HOLD_ALL.format(dtype="numpy.float32" if args.dtype == "f32" else "numpy.float16"),
        )
        gguf_bytes = out.stat().st_size

    layers, hidden = config["num_hidden_layers"], config["hidden_size"]
    print(f"checkpoint: Qwen2 shape, hidden {hidden}, {layers} layers, vocab {args.vocab}, bf16")
    print(f"  whole model on disk {mb(model_bytes)} in {len(shards)} shards, largest shard {mb(largest)}")
    print(f"  GGUF written ({args.dtype}) {mb(gguf_bytes)}")
    print(
        f"{'':28}{'resident before':>16}{'peak':>12}{'working set':>14}{'× shard':>9}{'× model':>9}{'time':>8}"
    )
    rows = [
        ("nothing (imports only)", idle),
        (f"export_model → {args.dtype}", export),
        ("held (first exporter's way)", held),
    ]
    for label, (before, peak, seconds) in rows:
        work = peak - before
        print(
            f"{label:28}{mb(before):>16}{mb(peak):>12}{mb(work):>14}{work / largest:9.2f}"
            f"{work / model_bytes:9.2f}{seconds:7.1f}s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
