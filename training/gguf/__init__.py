"""GGUF export for llama.cpp: merged checkpoints (``export_model``) and LoRA adapters (``export_lora``).

Modules: ``hparams`` (config.json → architecture keys, rotary scaling), ``vocab`` (tokenizer, token
types, special ids, chat template), ``pretokenizers`` (which llama.cpp pre-tokenizer, by probe
hash), ``tensors`` (names, types, shard-by-shard streaming), ``quantize`` (llama.cpp's k-quants),
``lora`` (adapter GGUFs), ``model`` (the export itself). The command line is
``python -m training.gguf_export`` (``synoema-train export-gguf`` calls the same functions).
"""

from training.gguf.errors import ExportError
from training.gguf.hparams import ARCHES, ArchInfo, HParams, RopeScaling, read_hparams
from training.gguf.lora import LoraReport, export_lora, export_lora_report
from training.gguf.model import DTYPES, ExportReport, export_gguf, export_model
from training.gguf.tensors import gguf_tensor_name, iter_checkpoint
from training.gguf.vocab import Vocab, find_chat_template, read_vocab

__all__ = [
    "ARCHES",
    "DTYPES",
    "ArchInfo",
    "ExportError",
    "ExportReport",
    "HParams",
    "LoraReport",
    "RopeScaling",
    "Vocab",
    "export_gguf",
    "export_lora",
    "export_lora_report",
    "export_model",
    "find_chat_template",
    "gguf_tensor_name",
    "iter_checkpoint",
    "read_hparams",
    "read_vocab",
]
