"""Statute citations, typed references and statute versions (graph/legal)."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from pathlib import Path

import pytest

from graph.legal.citations import (
    Citation,
    chapter_from_heading,
    context_from_sections,
    expand_range,
    find_citations,
    find_citations_in_document,
    find_citations_in_headings,
    provision_iri,
)
from graph.legal.lexicon import default_lexicon, name_forms
from graph.legal.statute import in_force, load_statute, statute_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = json.loads((ROOT / "tests/fixtures/legal/citations.json").read_text(encoding="utf-8"))["cases"]
SKOLLAGEN = ROOT / "corpus/reference/skollagen.json"
SEEDS = sorted((ROOT / "tests/data/seeds").glob("*.txt"))
GOLD = ROOT / "tests/data/gold"

log = logging.getLogger(__name__)


def _options(case: dict) -> dict:
    opts = dict(case.get("options", {}))
    if opts.get("doc_date"):
        opts["doc_date"] = date.fromisoformat(opts["doc_date"])
    return opts


def _row(c: Citation) -> list:
    return [c.sfs, c.chapter, c.paragraph, c.iri, c.kind]


@pytest.mark.parametrize("case", FIXTURES, ids=[c["text"][:50] for c in FIXTURES])
def test_fixture(case: dict) -> None:
    found = find_citations(case["text"], **_options(case))
    assert [_row(c) for c in found] == case["expected"]
    for c in found:
        assert case["text"][c.char_start : c.char_end] == c.text
        if "text_of" in case:
            assert c.text == case["text_of"]


def test_names_and_titles_as_written() -> None:
    (law,) = find_citations("regleras i skollagens kapitel 4")
    assert law.law_name == "skollagens"
    (advice,) = find_citations("Skolverkets allmänna råd ”Trygghet och studiero” beskriver")
    assert advice.title == "Trygghet och studiero" and advice.ref_id is None
    (known,) = find_citations("enligt Skolverkets allmänna råd om systematiskt kvalitetsarbete.")
    assert known.title == "Systematiskt kvalitetsarbete – för skolväsendet"
    assert known.law_name == "Skolverkets allmänna råd om systematiskt kvalitetsarbete"
    art, law = find_citations("artikel 12 i barnkonventionen")
    assert (art.article, art.ref_id, art.sfs) == ("12", "barnkonventionen", "2018:1197")
    assert (law.kind, law.iri) == ("statute", "https://lagen.nu/2018:1197")
    (mbl,) = find_citations("Facklig samverkan: MBL-behandling genomförd.")
    assert (mbl.law_name, mbl.text) == ("MBL", "MBL")


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("skollagen", {"skollagen", "skollagens", "skollag", "skollagstiftningen", "skollagstiftning"}),
        ("plan- och bygglagen", {"plan- och bygglag", "plan- och bygglagstiftningen"}),
        ("lagen om valfrihetssystem", {"lag om valfrihetssystem", "lagen om valfrihetssystem"}),
        ("miljöbalken", {"miljöbalk", "miljöbalkens"}),
        ("skolförordningen", {"skolförordning", "skolförordningens"}),
    ],
)
def test_name_forms(name: str, forms: set[str]) -> None:
    assert forms <= set(name_forms(name))


def test_lexicon_tables_are_consistent() -> None:
    lex = default_lexicon()
    laws = [e for e in lex.entries.values() if e.kind == "statute"]
    assert len(laws) >= 60
    for entry in laws:
        for v in entry.versions:
            assert re.fullmatch(r"(1[89]|20)\d\d:\d{1,4}", v.ref), (entry.key, v.ref)
        spans = sorted(entry.versions, key=lambda v: v.start or date.min)
        for older, newer in zip(spans, spans[1:], strict=False):
            assert older.end == newer.start, entry.key  # successive versions meet without gap or overlap
    assert {"KL", "FL", "DL", "MB", "LOV"} <= lex.citation_only
    assert not {"LSS", "MBL", "SoL", "OSL", "LOU"} & lex.citation_only
    assert lex.lookup("ny kommunallag").version(date(2017, 6, 1)).ref == "2017:725"
    assert lex.lookup("kommunallag").version(date(2017, 6, 1)).ref == "1991:900"


def test_whole_laws_in_a_document_are_reported_once_per_passage() -> None:
    text = "Enligt skollagen ska huvudmannen planera. Skollagen kräver också uppföljning enligt 4 kap. 3 §."
    assert [(c.sfs, c.chapter, c.paragraph) for c in find_citations(text)] == [("2010:800", "4", "3")]
    text = "Enligt skollagen ska huvudmannen planera; skollagens krav gäller alla skolformer."
    assert [(c.sfs, c.chapter) for c in find_citations(text)] == [("2010:800", None)]


@pytest.fixture(scope="module")
def skollagen() -> list[dict]:
    return load_statute(SKOLLAGEN)


def _key(number: str) -> str:
    return number.replace(" ", "")


def test_fixture_provisions_exist_in_skollagen(skollagen: list[dict]) -> None:
    provisions = {(_key(r["kap"]), _key(r["paragraf"])) for r in skollagen}
    chapters = {ch for ch, _ in provisions}
    cited = [row for case in FIXTURES for row in case["expected"] if row[0] == "2010:800"]
    assert cited, "the fixtures cite skollagen"
    for _sfs, chapter, paragraph, _iri, _kind in cited:
        if chapter is None:
            continue  # the law as a whole
        if paragraph is None:
            assert chapter in chapters, f"{chapter} kap. is not in skollagen.json"
        else:
            assert (chapter, paragraph) in provisions, (
                f"{chapter} kap. {paragraph} § is not in skollagen.json"
            )


def test_provision_iri() -> None:
    assert provision_iri("2010:800", "4", "3") == "https://lagen.nu/2010:800#K4P3"
    assert provision_iri("2010:800", "6 a", "2") == "https://lagen.nu/2010:800#K6aP2"
    assert provision_iri("2010:800", "29", "29 a") == "https://lagen.nu/2010:800#K29P29a"
    assert provision_iri("2010:800", "4") == "https://lagen.nu/2010:800#K4"
    assert provision_iri("1976:580", None, "11") == "https://lagen.nu/1976:580#P11"
    assert provision_iri("2010:800") == "https://lagen.nu/2010:800"


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("6", "8", ["6", "7", "8"]),
        ("3a", "3c", ["3a", "3b", "3c"]),
        ("8", "6", ["8", "6"]),
        ("3", "3a", ["3", "3a"]),
    ],
)
def test_expand_range(first: str, last: str, expected: list[str]) -> None:
    assert expand_range(first, last) == expected


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Utdrag ur skollagen 4 kap. Kvalitet och inflytande", ("4", "2010:800")),
        ("4 kap. Kvalitet och inflytande", ("4", None)),
        ("Kommunallagen 6 kap.", ("6", "2017:725")),
        ("Skollagen kapitel 5 Trygghet och studiero", ("5", "2010:800")),
        ("Kvalitet och inflytande", (None, None)),
        ("Kapitel 2 i läroplanerna", (None, None)),
    ],
)
def test_chapter_from_heading(heading: str, expected: tuple) -> None:
    assert chapter_from_heading(heading) == expected


def test_context_from_sections_takes_the_nearest_heading() -> None:
    sections = ["Huvudmannens ansvar", "Utdrag ur skollagen 4 kap.", "Huvudmannanivå"]
    assert context_from_sections(sections) == ("4", "2010:800")
    assert context_from_sections(["Inledning"]) == (None, None)


def test_document_carries_heading_chapter_to_bare_paragraphs() -> None:
    text = (
        "Utdrag ur skollagen 4 kap. Kvalitet och inflytande\n\nEnhetsnivå\n\n"
        "4 § Sådan planering som anges i 3 § ska genomföras även på enhetsnivå.\n\n"
        "Utdrag ur kommunallagen 6 kap.\n\n6 § Nämnderna ska var och en inom sitt område se till"
    )
    found = [(c.sfs, c.chapter, c.paragraph) for c in find_citations_in_document(text)]
    assert ("2010:800", "4", "4") in found and ("2010:800", "4", "3") in found
    assert ("2017:725", "6", "6") in found
    assert ("2010:800", "6", "6") not in found


# --- seeds against gold ----------------------------------------------------------------------


def _norm_law(law: str) -> str:
    return " ".join(law.replace("–", "-").replace("—", "-").split()).lower()


def _predicted_keys(citations: list[Citation]) -> set[tuple]:
    keys = set()
    for c in citations:
        if c.kind == "protocol_paragraph":
            continue  # a meeting's own paragraph, not a legal reference
        law = c.sfs if c.kind == "statute" else (c.law_name or c.ref_id or "")
        keys.add((_norm_law(law), c.chapter or c.article, c.paragraph))
    return keys


def _gold_keys(gold: dict) -> set[tuple]:
    return {(_norm_law(r["law"]), r.get("kap"), r.get("par")) for r in gold.get("legal_refs", [])}


def test_seeds_against_gold() -> None:
    tp = fp = fn = 0
    for seed in SEEDS:
        gold = json.loads((GOLD / f"{seed.stem}.json").read_text(encoding="utf-8"))
        doc_date = date.fromisoformat(gold["date"]) if gold.get("date") else None
        found = find_citations_in_document(seed.read_text(encoding="utf-8"), doc_date=doc_date)
        predicted, expected = _predicted_keys(found), _gold_keys(gold)
        tp += len(predicted & expected)
        fp += len(predicted - expected)
        fn += len(expected - predicted)
        if predicted != expected:
            log.warning("%s: extra %s, missing %s", seed.stem, predicted - expected, expected - predicted)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"legal refs on seeds: P={precision:.3f} R={recall:.3f} F1={f1:.3f} (tp={tp} fp={fp} fn={fn})")
    assert tp + fn > 0, "the gold has legal references"
    assert f1 >= 0.95


# --- statute versions ----------------------------------------------------------------------

REFERENCE_DATE = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("chapter", "paragraph", "on", "expected"),
    [
        ("4", "3", REFERENCE_DATE, True),
        ("9", "1", REFERENCE_DATE, False),  # förskoleklassen: chapter 9 ceases 2026-07-01
        ("9", "1", date(2025, 4, 1), True),
        ("9", None, REFERENCE_DATE, False),
        ("9", None, date(2025, 4, 1), True),
        ("6a", "2", REFERENCE_DATE, True),  # "6a" and "6 a" alike
        ("20", "33 c", date(2025, 6, 1), False),  # exists only from 2026-01-01
        ("20", "33 c", REFERENCE_DATE, True),
        ("2", "36", REFERENCE_DATE, False),  # repealed by 2024:1072
        ("2", "36", date(2024, 3, 1), None),  # repeal enacted that year: cannot tell
        ("99", "1", REFERENCE_DATE, None),  # unknown provision
        ("4", "3", date(2010, 1, 1), True),
    ],
)
def test_in_force(
    skollagen: list[dict], chapter: str, paragraph: str | None, on: date, expected: bool | None
) -> None:
    assert in_force(skollagen, chapter, paragraph, on) is expected


def test_in_force_before_the_law() -> None:
    records = [{"kap": "4", "paragraf": "3"}]
    assert in_force(records, "4", "3", date(2010, 1, 1), law_from=date(2011, 7, 1)) is False


def test_every_paragraph_in_force_on_reference_date_agrees_with_the_data(skollagen: list[dict]) -> None:
    flagged = {(r["kap"], r["paragraf"]) for r in skollagen if r["in_force_on_reference_date"]}
    for kap, par in {(r["kap"], r["paragraf"]) for r in skollagen}:
        expected = (kap, par) in flagged
        assert in_force(skollagen, kap, par, REFERENCE_DATE) is expected, (kap, par)


def test_statute_text_picks_the_version_in_force(skollagen: list[dict]) -> None:
    old = statute_text(skollagen, "1", "1", date(2025, 4, 1))
    new = statute_text(skollagen, "1", "1", REFERENCE_DATE)
    assert old is not None and new is not None
    assert "förskoleklass" in old["text"] and "förskoleklass," not in new["text"]
    assert statute_text(skollagen, "9", "1", REFERENCE_DATE) is None
    dup = statute_text(skollagen, "12", "24", REFERENCE_DATE)  # two versions from 2026-07-01; the newer wins
    assert dup is not None and dup["last_amended_by"] == "2025:729"
    assert statute_text(skollagen, "17", "26 a", REFERENCE_DATE)["last_amended_by"] == "2019:947"
    assert statute_text(skollagen, "4", "3", REFERENCE_DATE)["citation"] == "4 kap. 3 § skollagen (2010:800)"


def test_headings_cite_the_laws_they_name() -> None:
    from ingest.model import Block, BlockKind, ParsedDocument

    parts = [
        (BlockKind.HEADING, "Samverkan enligt MBL-förhandling"),
        (BlockKind.PARAGRAPH, "Överläggning med personalorganisationerna har skett."),
        (BlockKind.HEADING, "Kapitel 3 Resultat"),
        (BlockKind.HEADING, "Utdrag ur skollagen 4 kap."),
        (BlockKind.HEADING, "Kommunfullmäktige § 34"),
    ]
    blocks, pos = [], 0
    for kind, text in parts:
        blocks.append(Block(kind, text, None, pos, pos + len(text)))
        pos += len(text) + 2
    doc = ParsedDocument("t.md", "text/markdown", "0" * 64, "\n\n".join(t for _, t in parts), [], blocks)
    found = find_citations_in_headings(doc, doc_date=date(2021, 3, 1))
    assert [(c.sfs, c.chapter, c.iri) for c in found] == [
        ("1976:580", None, "https://lagen.nu/1976:580"),
        ("2010:800", "4", "https://lagen.nu/2010:800#K4"),
    ]
    assert doc.text[found[0].char_start : found[0].char_end] == "MBL"
