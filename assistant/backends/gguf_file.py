"""Reading a GGUF file's header and tensor table without llama.cpp: fast checks before loading.

`read_gguf(path)` parses the metadata and the tensor table and checks that every tensor's data lies
inside the file, so a truncated download or an interrupted export is caught with a clear message
(llama.cpp itself would say "tensor data is not within the file bounds" only when the model loads).
It needs no extra package: `doctor`, the model picker and the gguf backend all use it.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
MAX_SMALL_ARRAY = 64  # arrays longer than this (the vocabulary) are counted, not kept

# ggml type id -> (elements per block, bytes per block), as in ggml.c's type traits.
GGML_BLOCKS: dict[int, tuple[int, int]] = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 40),
    10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292),
    16: (256, 66), 17: (256, 74), 18: (256, 98), 19: (256, 50), 20: (32, 18), 21: (256, 110),
    22: (256, 82), 23: (256, 136), 24: (1, 1), 25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8),
    29: (256, 56), 30: (1, 2), 34: (256, 54), 35: (256, 66), 39: (32, 17), 40: (64, 36), 41: (128, 18),
}  # fmt: skip

# GGUF value types -> struct format of a scalar (8 = string, 9 = array are read apart).
_SCALARS: dict[int, str] = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
                            10: "<Q", 11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9


class GGUFFormatError(ValueError):
    """The file is not a readable GGUF file; the message says where it goes wrong."""


@dataclass(frozen=True)
class LongArray:
    """A metadata array too long to keep (the vocabulary): its length and element type only."""

    length: int
    item_type: int


@dataclass(frozen=True)
class GGUFTensor:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int  # from the start of the data section
    nbytes: int | None  # None for a type this reader does not know


@dataclass(frozen=True)
class GGUFFile:
    path: Path
    version: int
    metadata: dict[str, Any]
    tensors: tuple[GGUFTensor, ...]
    data_offset: int
    file_size: int
    problems: tuple[str, ...] = field(default=())

    @property
    def architecture(self) -> str:
        return str(self.metadata.get("general.architecture", ""))

    @property
    def kind(self) -> str:
        """``model`` or ``adapter`` (``general.type``; files written before that key are models)."""
        return str(self.metadata.get("general.type", "model"))

    @property
    def is_lora(self) -> bool:
        return self.kind == "adapter" and self.metadata.get("adapter.type") == "lora"

    @property
    def context_length(self) -> int | None:
        value = self.metadata.get(f"{self.architecture}.context_length")
        return int(value) if isinstance(value, int) else None

    @property
    def chat_template(self) -> str | None:
        value = self.metadata.get("tokenizer.chat_template")
        return value if isinstance(value, str) and value.strip() else None

    def arch_value(self, key: str) -> Any:
        """``{architecture}.{key}`` from the metadata, or None."""
        return self.metadata.get(f"{self.architecture}.{key}")

    @property
    def ok(self) -> bool:
        return not self.problems


def read_gguf(path: str | Path) -> GGUFFile:
    """The header and tensor table of `path`; raises `GGUFFormatError` (or OSError) when unreadable.

    Data that lies beyond the end of the file is reported in `problems` (the file is then unusable).
    """
    path = Path(path)
    try:
        return _read(path)
    except GGUFFormatError as exc:
        text = str(exc)
        raise GGUFFormatError(text if text.startswith(path.name) else f"{path.name}: {text}") from None


def _read(path: Path) -> GGUFFile:
    size = path.stat().st_size
    with path.open("rb") as handle:
        reader = _Reader(handle, size)
        if reader.raw(4) != MAGIC:
            raise GGUFFormatError(f"{path.name} is not a GGUF file (it does not start with 'GGUF').")
        version = reader.scalar("<I")
        if version < 2:
            raise GGUFFormatError(f"{path.name} is GGUF version {version}; llama.cpp reads version 2 and later.")
        n_tensors, n_kv = reader.scalar("<Q"), reader.scalar("<Q")
        if n_tensors > size or n_kv > size:
            raise GGUFFormatError(f"{path.name}: the header's counts are impossible (a damaged file).")
        metadata: dict[str, Any] = {}
        for _ in range(n_kv):
            key = reader.string()
            metadata[key] = reader.value(reader.scalar("<I"))
        tensors: list[tuple[str, tuple[int, ...], int, int]] = []
        for _ in range(n_tensors):
            name = reader.string()
            n_dims = reader.scalar("<I")
            if n_dims > 8:
                raise GGUFFormatError(f"{path.name}: tensor {name!r} has {n_dims} dimensions (a damaged file).")
            shape = tuple(reader.scalar("<Q") for _ in range(n_dims))
            tensors.append((name, shape, reader.scalar("<I"), reader.scalar("<Q")))
        alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
        if not isinstance(alignment, int) or alignment <= 0:
            alignment = DEFAULT_ALIGNMENT
        data_offset = -(-reader.position // alignment) * alignment
    infos = tuple(GGUFTensor(name, shape, kind, offset, _nbytes(shape, kind)) for name, shape, kind, offset in tensors)
    return GGUFFile(path, version, metadata, infos, data_offset, size, tuple(_bounds(infos, data_offset, size, path)))


def _nbytes(shape: tuple[int, ...], ggml_type: int) -> int | None:
    block = GGML_BLOCKS.get(ggml_type)
    if block is None:
        return None
    elements = 1
    for dim in shape:
        elements *= dim
    per_block, block_bytes = block
    return elements // per_block * block_bytes


def _bounds(tensors: tuple[GGUFTensor, ...], data_offset: int, size: int, path: Path) -> list[str]:
    """Tensors whose data runs past the end of the file (what a truncated file has)."""
    ends = [(data_offset + t.offset + (t.nbytes or 0), t) for t in tensors]
    beyond = [t for end, t in ends if end > size]
    if not beyond:
        return []
    need = max(end for end, _ in ends)
    return [
        f"{path.name} is truncated: {len(beyond)} of {len(tensors)} tensors ({beyond[0].name}, …) lie beyond "
        f"its end ({size:,} bytes; the tensor table needs {need:,})"
    ]


class _Reader:
    """Little-endian reads from a file, each failing with GGUFFormatError at the end of the file."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self._handle = handle
        self._size = size
        self.position = 0

    def raw(self, n: int) -> bytes:
        if n < 0 or self.position + n > self._size:
            raise GGUFFormatError(
                f"the header ends early (at byte {self.position:,} of {self._size:,}): the file is truncated"
            )
        data = self._handle.read(n)
        self.position += n
        return data

    def skip(self, n: int) -> None:
        if self.position + n > self._size:
            self.raw(n)  # raises
        self._handle.seek(n, 1)
        self.position += n

    def scalar(self, fmt: str) -> Any:
        return struct.unpack(fmt, self.raw(struct.calcsize(fmt)))[0]

    def string(self) -> str:
        return self.raw(self.scalar("<Q")).decode("utf-8", "replace")

    def value(self, kind: int) -> Any:
        if kind == _STRING:
            return self.string()
        if kind == _ARRAY:
            item, length = self.scalar("<I"), self.scalar("<Q")
            if length > self._size:
                raise GGUFFormatError("a metadata array's length is impossible (a damaged file)")
            if length > MAX_SMALL_ARRAY:
                self._skip_items(item, length)
                return LongArray(length, item)
            return [self.value(item) for _ in range(length)]
        fmt = _SCALARS.get(kind)
        if fmt is None:
            raise GGUFFormatError(f"unknown metadata value type {kind} (a damaged file?)")
        return self.scalar(fmt)

    def _skip_items(self, kind: int, length: int) -> None:
        fmt = _SCALARS.get(kind)
        if fmt is not None:
            self.skip(struct.calcsize(fmt) * length)
        elif kind == _STRING:
            for _ in range(length):
                self.skip(self.scalar("<Q"))
        else:
            for _ in range(length):
                self.value(kind)
