"""The search index: incremental re-embedding, removal, filters, atomic writes, reload (fake embedder)."""

import hashlib
from pathlib import Path

import numpy as np
import pytest

import search.index as index_module
from graph.passages import passages_of
from ingest.model import Block, BlockKind, DocumentMetadata, ParsedDocument, assemble, assign_sections
from search.records import DocMeta, Filters, doc_meta_of, same_kommun, years_of
from search.tokenize import tokenize

DIM = 64


class FakeEmbedder:
    """Bag of hashed tokens: texts sharing words get similar vectors; counts what it embeds."""

    recipe = "fake|v1"
    with_section = True

    def __init__(self):
        self.embedded: list[str] = []

    def _vector(self, text):
        v = np.zeros(DIM, dtype=np.float32)
        for token in tokenize(text):
            v[int(hashlib.md5(token.encode()).hexdigest(), 16) % DIM] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def passages(self, texts):
        self.embedded.extend(texts)
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, DIM), np.float32)

    def queries(self, texts):
        return np.stack([self._vector(t) for t in texts])


def make_doc(source_file, paragraphs, organisation=None, kind=None, period=None, heading="Mål"):
    # One paragraph per page, so that each is a passage of its own (passages never cross a page).
    blocks = [Block(BlockKind.HEADING, heading, 1, level=1)]
    blocks += [Block(BlockKind.PARAGRAPH, text, page) for page, text in enumerate(paragraphs, start=1)]
    assign_sections(blocks)
    text, pages = assemble(blocks)
    meta = DocumentMetadata(title=f"Plan {source_file}", organisation=organisation, kind=kind, period=period)
    return ParsedDocument(source_file, "text/plain", "0" * 64, text, pages, blocks, metadata=meta)


FINSPANG = make_doc(
    "finspang.txt",
    ["Rektorsgruppen träffas varannan vecka och leds av skolchefen.",
     "Alla elever ska läsa minst 20 minuter om dagen.",
     "Enligt 2 kap. 8 § skollagen (2010:800) utser huvudmannen en skolchef."],
    organisation="Finspångs kommun", kind="verksamhetsplan", period="2022/2023",
)
HALLSBERG = make_doc(
    "hallsberg.txt",
    ["Förskolan arbetar med språkutveckling och högläsning.",
     "Rektorsgruppen träffas en gång i månaden."],
    organisation="Hallsbergs kommun", kind="kvalitetsplan", period="2024",
)


def add(index, doc):
    meta = doc_meta_of(doc)
    return index.update(meta.doc_id, passages_of(doc), meta)


@pytest.fixture
def index(tmp_path):
    return index_module.SearchIndex(tmp_path / "search", embedder=FakeEmbedder())


def test_second_update_embeds_nothing_and_a_change_embeds_one(index):
    first = add(index, FINSPANG)
    assert (first.embedded, first.reused, first.written) == (3, 0, True)
    again = add(index, FINSPANG)
    assert (again.embedded, again.reused, again.written) == (0, 3, False)
    changed = make_doc("finspang.txt",
                       ["Rektorsgruppen träffas varannan vecka och leds av skolchefen.",
                        "Alla elever ska läsa minst 30 minuter om dagen.",
                        "Enligt 2 kap. 8 § skollagen (2010:800) utser huvudmannen en skolchef."],
                       organisation="Finspångs kommun", kind="verksamhetsplan", period="2022/2023")
    stats = add(index, changed)
    assert (stats.embedded, stats.reused, stats.written) == (1, 2, True)
    assert index.embedder.embedded[-1].endswith("Alla elever ska läsa minst 30 minuter om dagen.")


def test_reopened_index_reuses_vectors_from_disk(tmp_path, index):
    add(index, FINSPANG)
    reopened = index_module.SearchIndex(tmp_path / "search", embedder=FakeEmbedder())
    assert [d.source_file for d in reopened.documents()] == ["finspang.txt"]
    stats = add(reopened, FINSPANG)
    assert stats.embedded == 0 and reopened.embedder.embedded == []
    np.testing.assert_array_equal(reopened.vectors(doc_meta_of(FINSPANG).doc_id),
                                  index.vectors(doc_meta_of(FINSPANG).doc_id))


def test_another_recipe_re_embeds(tmp_path, index):
    add(index, FINSPANG)
    other = FakeEmbedder()
    other.recipe = "fake|v2"
    reopened = index_module.SearchIndex(tmp_path / "search", embedder=other)
    assert add(reopened, FINSPANG).embedded == 3


def test_remove_drops_vectors_and_hits(tmp_path, index):
    add(index, FINSPANG)
    add(index, HALLSBERG)
    doc_id = doc_meta_of(FINSPANG).doc_id
    assert index.remove(doc_id)
    assert not index.remove(doc_id)
    assert doc_id not in index and len(index) == 2
    hits = index.search("skolchef skollagen", k=5)
    assert all(h.doc.source_file == "hallsberg.txt" for h in hits)
    reopened = index_module.SearchIndex(tmp_path / "search", embedder=FakeEmbedder())
    assert [d.source_file for d in reopened.documents()] == ["hallsberg.txt"]
    assert len(list((tmp_path / "search" / "docs").iterdir())) == 1


def test_search_finds_the_passage_with_scores_and_ranks(index):
    add(index, FINSPANG)
    add(index, HALLSBERG)
    hits = index.search("Vad säger 2 kap. 8 § skollagen?", k=3)
    assert hits[0].passage.text.startswith("Enligt 2 kap. 8 §")
    assert [h.rank for h in hits] == [1, 2, 3]
    assert hits[0].lexical > 0 and hits[0].score >= hits[1].score
    assert hits[0].doc.kommun == "Finspångs" and hits[0].passage.page == 3


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(kommun="Hallsberg"), {"hallsberg.txt"}),
        (Filters(kommun="Finspångs kommun"), {"finspang.txt"}),
        (Filters(organisation="finspång"), {"finspang.txt"}),
        (Filters(kind="kvalitetsplan"), {"hallsberg.txt"}),
        (Filters(year=2023), {"finspang.txt"}),
        (Filters(year=2024), {"hallsberg.txt"}),
        (Filters(year=2019), set()),
        (Filters(), {"finspang.txt", "hallsberg.txt"}),
    ],
)
def test_filters(index, filters, expected):
    add(index, FINSPANG)
    add(index, HALLSBERG)
    hits = index.search("rektorsgruppen träffas", k=10, filters=filters)
    assert {h.doc.source_file for h in hits} == expected


def test_batch_search_keeps_query_order(index):
    add(index, FINSPANG)
    add(index, HALLSBERG)
    queries = ["högläsning i förskolan", "skolchef skollagen", "läsa minuter"]
    batch = index.batch_search(queries, k=1)
    assert [b[0].passage.text for b in batch] == [index.search(q, k=1)[0].passage.text for q in queries]


def test_empty_index_returns_nothing(index):
    assert index.search("något", k=5) == []


def test_failed_write_leaves_the_old_version(tmp_path, index, monkeypatch):
    add(index, FINSPANG)
    folder = tmp_path / "search" / "docs"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def crash(handle, **arrays):
        handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(index_module.np, "savez", crash)
    changed = make_doc("finspang.txt", ["En helt ny text om fritidshem."], organisation="Finspångs kommun")
    with pytest.raises(OSError):
        add(index, changed)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temp file left, old file intact
    monkeypatch.undo()
    reopened = index_module.SearchIndex(tmp_path / "search", embedder=FakeEmbedder())
    assert len(reopened) == 3


def test_unreadable_file_is_skipped(tmp_path, index):
    add(index, FINSPANG)
    (tmp_path / "search" / "docs" / "garbage.npz").write_bytes(b"not a zip")
    reopened = index_module.SearchIndex(tmp_path / "search", embedder=FakeEmbedder())
    assert len(reopened) == 3


@pytest.mark.parametrize(
    ("wanted", "name", "same"),
    [("Finspång", "Finspångs kommun", True), ("finspångs", "Finspång", True), ("Borås", "Borås Stad", True),
     ("Hallsberg", "Finspångs kommun", False), ("", "Finspång", False)],
)
def test_same_kommun(wanted, name, same):
    assert same_kommun(wanted, name) is same


@pytest.mark.parametrize(
    ("date", "period", "years"),
    [("2025-04-01", "2025", (2025,)), (None, "2022/2023", (2022, 2023)), (None, "22/23", (2022, 2023)),
     (None, "2023–2026", (2023, 2024, 2025, 2026)), ("2015-08-17", None, (2015,)), (None, None, ())],
)
def test_years_of(date, period, years):
    assert years_of(date, period) == years


def test_doc_meta_carries_iri_and_file(tmp_path):
    meta = doc_meta_of(FINSPANG)
    assert meta.source_file == "finspang.txt" and meta.doc_id.startswith("https://w3id.org/styrkedja/id/doc/")
    assert DocMeta.from_json(meta.to_json()) == meta


def test_docs_folder_names_are_hashes(index, tmp_path):
    add(index, FINSPANG)
    (path,) = Path(tmp_path / "search" / "docs").iterdir()
    assert path.suffix == ".npz" and len(path.stem) == 24


def test_element_labels_lift_their_passage_and_persist(tmp_path):
    embedder = FakeEmbedder()
    index = index_module.SearchIndex(tmp_path / "search", embedder=embedder)
    meta = doc_meta_of(FINSPANG)
    passages = passages_of(FINSPANG)
    label = (1, "Läsfrämjande insats för alla elever")  # an element derived from the reading passage
    stats = index.update(meta.doc_id, passages, meta, [label])
    assert stats.embedded == 3 and len(embedder.embedded) == 4  # three passages and one label
    hits = index.search("läsfrämjande insats", k=3)
    assert hits[0].passage.text.startswith("Alla elever ska läsa")
    embedder.embedded.clear()
    again = index.update(meta.doc_id, passages, meta, [label])
    assert not again.written and embedder.embedded == []  # nothing re-embedded
    reopened = index_module.SearchIndex(tmp_path / "search", embedder=FakeEmbedder())
    assert reopened.search("läsfrämjande insats", k=1)[0].passage.text.startswith("Alla elever ska läsa")
