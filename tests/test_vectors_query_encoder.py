"""The numpy query encoder (search.query_encoder): the same vectors as sentence-transformers, only for folders
it reproduces, and used by search.model for a few queries only."""

import json
import shutil

import numpy as np
import pytest

import search.model as M
from search.query_encoder import QueryEncoder, UnsupportedModel

# Constructed questions in the genre; the last is longer than the model's 512 tokens (truncation).
QUERIES = [
    "Vem ansvarar för uppföljningen av elevernas närvaro?",
    "Vilka mål har förskolan för språkutveckling 2026?",
    "§ 14 Dnr BUN 2025/117 – beslut om skolskjuts",
    "Hur arbetar rektor med trygghet och studiero på fritidshemmet?",
    "Kvalitetsarbete " + "och likvärdighet mellan skolor " * 150,
]


@pytest.fixture(scope="module")
def folder():
    try:
        return M.prepare_model().path
    except M.ModelError as error:
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def encoder(folder):
    try:
        return QueryEncoder(folder)
    except UnsupportedModel as error:
        pytest.skip(f"the configured model is not one the numpy encoder runs: {error}")


def test_vectors_equal_sentence_transformers(encoder, folder):
    model = M.load_model()
    prompt = M._folder_prompt(M.prepare_model(), "query")
    texts = [prompt + q for q in QUERIES]
    ours = encoder.encode(texts)
    theirs = np.stack([model.encode([t], normalize_embeddings=True, convert_to_numpy=True)[0] for t in texts])
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    assert np.abs(ours - theirs).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    tokenized = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    assert [encoder.tokenizer.encode(t).ids for t in texts] == [list(ids) for ids in tokenized]


def _plain_folder(tmp_path, folder):
    """The model's folder without its weights (configuration and tokenizer only)."""
    copy = tmp_path / "model"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    return copy


def _edit(path, **changes):
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda f: _edit(f / "1_Pooling" / "config.json", pooling_mode_mean_tokens=False,
                         pooling_mode_cls_token=True), "pooling"),
        (lambda f: _edit(f / "1_Pooling" / "config.json", include_prompt=False), "pooling"),
        (lambda f: _edit(f / "sentence_bert_config.json", do_lower_case=True), "lower-casing"),
        (lambda f: _edit(f / "config.json", model_type="xlm-roberta"), "model"),
        (lambda f: _edit(f / "config.json", hidden_act="relu"), "model"),
        (lambda f: (f / "modules.json").write_text(json.dumps(
            json.loads((f / "modules.json").read_text())[:2]), encoding="utf-8"), "modules"),
        (lambda f: None, "model.safetensors"),
    ],
    ids=["cls-pooling", "prompt-excluded", "lower-case", "not-bert", "relu", "no-normalize", "no-weights"],
)
def test_other_folders_are_refused(tmp_path, folder, change, message):
    if not (folder / "1_Pooling" / "config.json").is_file():
        pytest.skip("the configured model folder has another layout")
    copy = _plain_folder(tmp_path, folder)
    change(copy)
    with pytest.raises(UnsupportedModel, match=message):
        QueryEncoder(copy)


class _Recorder:
    def __init__(self):
        self.calls = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.ones((len(texts), 3), dtype=np.float32)


def test_a_few_queries_go_to_the_numpy_encoder(monkeypatch):
    recorder = _Recorder()
    monkeypatch.setattr(M, "_QUERY_ENCODER", (recorder, "query: "))
    monkeypatch.setattr(M, "_LOADED", None)  # a process that has not loaded the full model

    def no_torch():
        raise AssertionError("sentence-transformers must not load for a few queries")

    monkeypatch.setattr(M, "_load", no_torch)
    assert M.embed_queries(["a", "b"]).shape == (2, 3)
    assert recorder.calls == [["query: a", "query: b"]]
    with pytest.raises(AssertionError, match="must not load"):  # a larger batch goes to sentence-transformers
        M.embed_queries(["q"] * (M.ONE_THREAD_QUERIES + 1))
    with pytest.raises(AssertionError, match="must not load"):  # and so do passages
        M.embed_passages(["p"])


def test_the_numpy_encoder_can_be_turned_off(monkeypatch):
    monkeypatch.setattr(M, "_QUERY_ENCODER", M._UNSET)
    monkeypatch.setenv(M.ENV_QUERY_ENCODER, "torch")
    assert M._query_encoder() is None


@pytest.mark.parametrize("loaded, lean", [(True, True), (False, False)])
def test_one_process_does_not_hold_both_encoders(monkeypatch, loaded, lean):
    """Regression: a history (label batches of every size) loaded the numpy encoder and the full model.

    Where the full model is loaded already, or the caller asks for it (lean=False), a few queries go to it."""
    recorder = _Recorder()
    monkeypatch.setattr(M, "_QUERY_ENCODER", (recorder, "query: "))
    monkeypatch.setattr(M, "_LOADED", ("model", "info") if loaded else None)

    def full_model():
        raise AssertionError("the full model")

    monkeypatch.setattr(M, "_load", full_model)
    with pytest.raises(AssertionError, match="the full model"):
        M.embed_queries(["a"], lean=lean)
    assert recorder.calls == []
