"""The reader as a whole: offsets, pages, furniture kept out of the text, manifests, printed transcripts."""

from pathlib import Path

import pytest

from ingest.metadata import load_manifest
from ingest.model import BlockKind
from ingest.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
ALL_FILES = sorted((DATA / "pdf").glob("*.pdf")) + sorted((DATA / "seeds").glob("*.txt"))


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_block_offsets_quote_the_text_and_pages_are_ordered(path):
    doc = read_document(path)
    assert doc.blocks
    for block in doc.blocks:
        assert doc.text[block.char_start : block.char_end] == block.text
        if block.page is not None:
            assert doc.page_at(block.char_start) == block.page
    numbers = [page.number for page in doc.pages]
    assert numbers == sorted(numbers)
    assert len(doc.sha256) == 64


def test_printed_web_transcript_pdf_reads_like_the_transcript():
    doc = read_document(DATA / "pdf" / "004_ljusnarsberg_protokoll.pdf")
    assert [page.number for page in doc.pages] == [1, 2, 3, 4, 5]
    for junk in ("Läs mer", "Storlek: px", "Download", "Utdragsbestyrkande", "SAMMANTRÄDESPROTOKOLL"):
        assert junk not in doc.text, junk
    headings = [b.text for b in doc.blocks if b.kind is BlockKind.HEADING]
    assert "Bildnings- och sociala utskottets beslut" in headings
    assert any("LJUSNARSBERGS" in text for text in doc.furniture)
    assert doc.metadata.organisation == "Ljusnarsbergs kommun"
    assert doc.metadata.kind == "protokoll"


def test_running_headers_are_furniture_not_text():
    doc = read_document(DATA / "pdf" / "003_svenljunga_kvalitetsarbete.pdf")
    assert "Svenljunga kommun" in doc.furniture
    assert "Sida 4 av 21" not in doc.text


def test_manifest_wins_over_inference():
    manifest = load_manifest(ROOT / "corpus" / "manifest.toml")
    path = ROOT / "corpus" / "001_skaraborg_skis_uppdragsbeskrivning.pdf"
    doc = read_document(path, known=manifest[path.name])
    assert doc.metadata.organisation == "Skaraborgs kommunalförbund"
    assert "organisation" not in doc.metadata.inferred
    assert doc.metadata.period == "2023-2026"
    assert "period" in doc.metadata.inferred


def test_every_corpus_file_has_a_manifest_entry_and_reads():
    manifest = load_manifest(ROOT / "corpus" / "manifest.toml")
    files = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".pdf", ".txt", ".md"))
    assert {p.name for p in files} == set(manifest)
    for path in files:
        doc = read_document(path, known=manifest[path.name])
        assert doc.metadata.kind in {
            "presentation",
            "uppdragsbeskrivning",
            "verksamhetsplan",
            "kvalitetsplan",
            "protokoll",
        }
