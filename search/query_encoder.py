"""The embedding model's forward pass in numpy, for a few short queries: no torch in a searching process.

A search embeds one short query (~16 tokens). Through sentence-transformers that costs ~60 ms of CPU on one
thread here, most of it per-operation overhead and MKL's small matrix products, and a process that imports
torch, transformers and sentence-transformers holds ~450 MB before any weight. This module runs the same
computation (a BERT encoder, mean pooling over all tokens, L2 normalisation: the sentence-transformers
folder of multilingual-e5-small) with numpy's BLAS on the weights memory-mapped from ``model.safetensors``
(only the rows and layers a query touches become resident) and the folder's own ``tokenizer.json``.

It accepts only folders it can reproduce exactly: a ``BertModel`` with GELU, float32 safetensors weights,
modules Transformer → Pooling (mean, prompt included) → Normalize, no lower-casing. Anything else is
``UnsupportedModel`` and the caller uses sentence-transformers. Its vectors equal the torch ones up to float32
rounding (measured: max abs difference ~1e-7 per component; tests/test_vectors_query_encoder.py).
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import struct
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

WEIGHTS = "model.safetensors"
EXPECTED_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


class UnsupportedModel(Exception):
    """The model folder is not one this encoder reproduces; use sentence-transformers instead."""


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise UnsupportedModel(f"{path.name}: {error}") from error


def _check_folder(folder: Path) -> tuple[dict[str, Any], int]:
    """The BERT config and the maximum sequence length, when the folder is a plain mean-pooled BERT."""
    modules = _json(folder / "modules.json")
    kinds = [m.get("type", "").replace("sentence_transformers.base.modules.", "sentence_transformers.models.")
             for m in modules]
    if [k.rsplit(".", 1)[-1] for k in kinds] != [k.rsplit(".", 1)[-1] for k in EXPECTED_MODULES]:
        raise UnsupportedModel(f"modules {kinds}")
    pooling_path = next(m["path"] for m in modules if m.get("type", "").endswith("Pooling"))
    pooling = _json(folder / pooling_path / "config.json")
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v}
    if modes != {"pooling_mode_mean_tokens"} or not pooling.get("include_prompt", True):
        raise UnsupportedModel(f"pooling {sorted(modes)}")
    config = _json(folder / "config.json")
    if config.get("model_type") != "bert" or config.get("hidden_act") != "gelu":
        raise UnsupportedModel(f"model {config.get('model_type')}/{config.get('hidden_act')}")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise UnsupportedModel("relative position embeddings")
    settings_file = folder / "sentence_bert_config.json"
    settings = _json(settings_file) if settings_file.is_file() else {}
    if settings.get("do_lower_case"):
        raise UnsupportedModel("lower-casing")
    limit = int(settings.get("max_seq_length") or config.get("max_position_embeddings", 512))
    return config, min(limit, int(config.get("max_position_embeddings", 512)))


def _tensors(path: Path) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Every tensor of a safetensors file as a read-only float32 view of one memory map (one descriptor for
    the file, not one a tensor), and each tensor's byte offset in the file; other dtypes are unsupported."""
    try:
        with open(path, "rb") as handle:
            (size,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(size))
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError, struct.error) as error:
        raise UnsupportedModel(f"{path.name}: {error}") from error
    header.pop("__metadata__", None)
    out, offsets = {}, {}
    for name, entry in header.items():
        if entry.get("dtype") != "F32":
            raise UnsupportedModel(f"{name} is {entry.get('dtype')}")
        start, stop = entry["data_offsets"]
        shape = tuple(entry["shape"])
        count = int(np.prod(shape))
        if stop - start != 4 * count or 8 + size + stop > len(mapped):
            raise UnsupportedModel(f"{name}: size does not match its shape")
        view = np.frombuffer(mapped, dtype="<f4", count=count, offset=8 + size + start)
        out[name.removeprefix("bert.")] = view.reshape(shape)
        offsets[name.removeprefix("bert.")] = 8 + size + start
    return out, offsets


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(eps)) * weight + bias


@lru_cache(maxsize=1)
def _erf() -> Any:
    from scipy.special import erf

    return erf


def _gelu(x: np.ndarray) -> np.ndarray:
    return x * np.float32(0.5) * (np.float32(1.0) + _erf()(x * np.float32(1 / np.sqrt(2))))


@lru_cache(maxsize=1)
def _blas() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn (sentence-transformers)
        return None
    return ThreadpoolController()


class QueryEncoder:
    """A mean-pooled BERT sentence-transformers folder, run in numpy on memory-mapped weights."""

    def __init__(self, folder: str | Path) -> None:
        folder = Path(folder)
        config, self.max_length = _check_folder(folder)
        weights = folder / WEIGHTS
        if not weights.is_file():
            raise UnsupportedModel(f"no {WEIGHTS}")
        self.w, offsets = _tensors(weights)
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        needed = ["embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                  "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight"]
        needed += [f"encoder.layer.{i}.output.LayerNorm.bias" for i in range(self.layers)]
        missing = [name for name in needed if name not in self.w]
        if missing:
            raise UnsupportedModel(f"missing weights {missing[:2]}")
        # A query needs ~16 rows of the 250,000-row token table: read them with pread, so the table's pages
        # never become part of the process (through the map, each row would map the 64 KB around it).
        self._table_offset = offsets["embeddings.word_embeddings.weight"]
        self._table = open(weights, "rb")  # noqa: SIM115 - held for the encoder's lifetime
        from tokenizers import Tokenizer

        try:
            self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except Exception as error:  # the tokenizers library raises its own Exception types
            raise UnsupportedModel(f"tokenizer.json: {error}") from error
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)

    def encode(self, texts: list[str]) -> np.ndarray:
        """L2-normalised mean-pooled embeddings of texts (each run alone: no padding), float32 rows."""
        controller = _blas()
        if controller is None:
            return np.stack([self._one(text) for text in texts])
        with controller.limit(limits=1, user_api="blas"):  # a 16-token product is too small to share
            return np.stack([self._one(text) for text in texts])

    def _token_rows(self, ids: list[int]) -> np.ndarray:
        """Rows of the token embedding table, read from the file."""
        out = np.empty((len(ids), self.hidden), dtype=np.float32)
        size = self.hidden * 4
        fd = self._table.fileno()
        for i, token in enumerate(ids):
            data = os.pread(fd, size, self._table_offset + token * size)
            if len(data) != size:
                raise OSError(f"the model's token table ended at token {token}")
            out[i] = np.frombuffer(data, dtype="<f4")
        return out

    def _one(self, text: str) -> np.ndarray:
        ids = self.tokenizer.encode(text).ids
        w, count = self.w, len(ids)
        h = (self._token_rows(ids) + w["embeddings.position_embeddings.weight"][:count]
             + w["embeddings.token_type_embeddings.weight"][0])
        h = _layer_norm(h, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        size = self.hidden // self.heads
        scale = np.float32(1 / np.sqrt(size))
        for i in range(self.layers):
            p = f"encoder.layer.{i}."

            def dense(x: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return x @ w[f"{p}{name}.weight"].T + w[f"{p}{name}.bias"]

            q = dense(h, "attention.self.query").reshape(count, self.heads, size).transpose(1, 0, 2)
            k = dense(h, "attention.self.key").reshape(count, self.heads, size).transpose(1, 0, 2)
            v = dense(h, "attention.self.value").reshape(count, self.heads, size).transpose(1, 0, 2)
            scores = (q @ k.transpose(0, 2, 1)) * scale
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(count, self.hidden)
            norm = f"{p}attention.output.LayerNorm"
            attended = dense(context, "attention.output.dense") + h
            h = _layer_norm(attended, w[f"{norm}.weight"], w[f"{norm}.bias"], self.eps)
            inner = _gelu(dense(h, "intermediate.dense"))
            h = _layer_norm(dense(inner, "output.dense") + h, w[f"{p}output.LayerNorm.weight"],
                            w[f"{p}output.LayerNorm.bias"], self.eps)
        pooled = h.mean(axis=0)
        norm = np.linalg.norm(pooled)
        return (pooled / max(norm, np.float32(1e-12))).astype(np.float32)
