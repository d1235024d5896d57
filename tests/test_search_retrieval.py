"""Retrieval on the demo corpus with the real embedding model (one index, built once for this module)."""

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from app.pipeline import load_context
from graph.iris import document_iri
from graph.rdf import build_document_graph, element_labels
from graph.store import Store
from ingest.metadata import load_manifest
from ingest.reader import read_document
from search.answer import mark_answer
from search.index import SearchIndex, index_document
from search.model import embed_passages
from search.records import Filters

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUESTIONS = {q["id"]: q for q in json.loads((ROOT / "tests" / "data" / "questions.json").read_text("utf-8"))}
# Every development question is answered in the top 5 by the fused ranking (benchmarks/eval_search.py).
TOP5 = sorted(QUESTIONS)

pytestmark = pytest.mark.model


def _norm(text):
    return " ".join(text.split()).casefold()


def _answers(question, text):
    return any(_norm(phrase) in _norm(text) for phrase in question["answer_contains"])


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, model_store):
    """A copy of the session store's search index (the corpus indexed by the store's own code path)."""
    folder = tmp_path_factory.mktemp("search") / "search"
    shutil.copytree(model_store.folder / "search", folder)
    return SearchIndex(folder)


def test_questions_land_in_the_top_5(corpus_index):
    batch = corpus_index.batch_search([QUESTIONS[q]["q"] for q in TOP5], k=5)
    missed = [q for q, hits in zip(TOP5, batch, strict=True)
              if not any(_answers(QUESTIONS[q], h.passage.text) for h in hits)]
    assert not missed


def test_reindexing_the_corpus_embeds_nothing(corpus_index):
    path = CORPUS / "002_finspang_verksamhetsplan.pdf"
    known = load_manifest(CORPUS / "manifest.toml").get(path.name)
    doc = read_document(path, known=known)
    # The store's code path: the passages and the labels of the elements of the document's graph, built
    # with the model's passage embedding as app.pipeline.ingest_file builds it (the plan stage uses it).
    context = replace(load_context(Store(ROOT / "no-such-store")), embed=embed_passages)
    graph = build_document_graph(doc, context)
    labels = element_labels(graph, document_iri(doc.source_file))
    assert labels
    stats = index_document(corpus_index, doc, labels=labels)
    assert stats.embedded == 0 and stats.reused == stats.passages > 0 and not stats.written


def test_kommun_filter_keeps_one_municipality(corpus_index):
    question = QUESTIONS["q35"]["q"]  # compares Svenljunga with Skaraborg
    hits = corpus_index.search(question, k=5, filters=Filters(kommun="Svenljunga"))
    assert hits and {h.doc.source_file for h in hits} == {"003_svenljunga_kvalitetsarbete.pdf"}


def test_the_cited_paragraph_is_marked(corpus_index):
    question = QUESTIONS["q11"]
    hit = next(h for h in corpus_index.search(question["q"], k=5) if _answers(question, h.passage.text))
    marked = " ".join(hit.passage.text[s.start : s.end] for s in mark_answer(question["q"], hit.passage.text))
    assert "2 kap. 8 § skollagen" in marked
