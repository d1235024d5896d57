from pathlib import Path

import pytest

from graph.iris import document_graph, document_iri, element_iri, passage_iri, slug
from graph.passages import MAX_PASSAGE_CHARS, passages_of
from ingest.model import Block, BlockKind, ParsedDocument, assemble, assign_sections
from ingest.reader import read_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _doc(blocks):
    assign_sections(blocks)
    text, pages = assemble(blocks)
    return ParsedDocument("t.txt", "text/plain", "0" * 64, text, pages, blocks)


@pytest.mark.parametrize("path", sorted(p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".txt")), ids=str)
def test_passages_quote_the_document(path):
    doc = read_document(path)
    passages = passages_of(doc)
    assert passages
    for i, passage in enumerate(passages):
        assert passage.index == i
        assert doc.text[passage.char_start : passage.char_end] == passage.text
        assert len(passage.text) <= MAX_PASSAGE_CHARS or "." not in passage.text[:MAX_PASSAGE_CHARS]


def test_headings_become_sections_not_passages():
    doc = _doc(
        [
            Block(BlockKind.HEADING, "Mål", 1, level=1),
            Block(BlockKind.HEADING, "Delmål", 1, level=2),
            Block(BlockKind.LIST_ITEM, "Ökad måluppfyllelse", 1, marker="•"),
        ]
    )
    (passage,) = passages_of(doc)
    assert passage.section == "Mål › Delmål"
    assert passage.kind == "list_item"


def test_long_paragraph_is_split_at_sentences():
    sentence = "Huvudmannen följer upp resultaten varje termin och analyserar dem noga. "
    doc = _doc([Block(BlockKind.PARAGRAPH, (sentence * 40).strip(), 2)])
    passages = passages_of(doc)
    assert len(passages) > 1
    assert all(len(p.text) <= MAX_PASSAGE_CHARS for p in passages)
    assert all(p.text.startswith("Huvudmannen") and p.text.endswith(".") for p in passages)


def test_content_hash_changes_with_text_or_section():
    a = passages_of(_doc([Block(BlockKind.PARAGRAPH, "Text.", 1)]))[0]
    b = passages_of(
        _doc([Block(BlockKind.HEADING, "Rubrik", 1, level=1), Block(BlockKind.PARAGRAPH, "Text.", 1)])
    )[0]
    assert a.content_hash != b.content_hash


def test_iris_are_stable_and_distinct():
    assert slug("Barn- och utbildningsnämnden") == "barn-och-utbildningsnamnden"
    assert document_iri("plan.pdf") != document_iri("plan.txt")
    assert document_iri("plan.pdf") == document_iri("plan.pdf")
    assert document_graph("plan.pdf") != document_iri("plan.pdf")
    doc = document_iri("plan.pdf")
    assert str(passage_iri(doc, 3)).endswith("/p/3")
    assert str(element_iri(doc, "activity", 2)).endswith("/activity/2")
