"""Document metadata (ingest/metadata.py): inference rules, gold metadata of the seeds, manifest, merging."""

import json
import re
import tomllib
from pathlib import Path

import pytest

from ingest.metadata import (
    DOCUMENT_KINDS,
    form_label,
    infer_metadata,
    kind_from_text,
    load_manifest,
    merge_metadata,
    municipality_name,
    normalise_period,
)
from ingest.model import (
    Block,
    BlockKind,
    DateMention,
    DocumentMetadata,
    IngestError,
    ParsedDocument,
    assemble,
)
from ingest.reader import read_document

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
CASES = json.loads((FIXTURES / "cases.json").read_text(encoding="utf-8"))["cases"]
EXCLUDED = tomllib.loads((FIXTURES / "gold.toml").read_text(encoding="utf-8"))
GOLD_FIELDS = {
    "organisation": "organisation",
    "body": "body",
    "kind": "doc_type",
    "date": "date",
    "period": "period",
}
SEEDS = sorted((ROOT / "tests" / "data" / "seeds").glob("*.txt"))


def document(
    blocks: list[Block],
    name: str = "doc.txt",
    media_type: str = "text/plain",
    furniture: list[str] | None = None,
) -> ParsedDocument:
    text, pages = assemble(blocks)
    return ParsedDocument(name, media_type, "0" * 64, text, pages, blocks, furniture=list(furniture or []))


def fixture_blocks(rows: list[list]) -> list[Block]:
    blocks = []
    for kind, content, page in rows:
        if kind == "table_row":
            blocks.append(Block(BlockKind.TABLE_ROW, "\t".join(content), page, cells=list(content)))
        else:
            level = 1 if kind == "heading" else None
            blocks.append(Block(BlockKind(kind), content, page, level=level))
    return blocks


def blocks_from_seed(raw: str) -> list[Block]:
    """A minimal reading of a seed text: blank lines separate blocks; '#' headings, '- ' items, tab rows."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", raw):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if lines and all("\t" in line for line in lines):
            for line in lines:
                cells = [cell.strip() for cell in line.split("\t")]
                blocks.append(Block(BlockKind.TABLE_ROW, "\t".join(cells), None, cells=cells))
            continue
        if lines and lines[0].startswith("#"):
            level = len(lines[0]) - len(lines[0].lstrip("#"))
            blocks.append(
                Block(BlockKind.HEADING, lines.pop(0).lstrip("# ").replace("**", ""), None, level=level)
            )
        if lines and all(line.lstrip().startswith("- ") for line in lines):
            blocks += [
                Block(BlockKind.LIST_ITEM, line.lstrip()[2:].replace("**", ""), None) for line in lines
            ]
        elif lines:
            blocks.append(
                Block(BlockKind.PARAGRAPH, " ".join(line.strip() for line in lines).replace("**", ""), None)
            )
    return blocks


def gold(seed: Path) -> dict:
    return json.loads((ROOT / "tests" / "data" / "gold" / f"{seed.stem}.json").read_text(encoding="utf-8"))


def excluded(mode: str, seed: str) -> set[str]:
    return {e["field"] for e in EXCLUDED.get(mode, []) if e["seed"] == seed}


# --- constructed documents in other municipalities' style ---------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"])
def test_inference_on_constructed_documents(case):
    blocks = fixture_blocks(case["blocks"])
    media_type = case.get("media_type", "text/plain")
    meta = infer_metadata(document(blocks, media_type=media_type, furniture=case.get("furniture")))
    assert {name: getattr(meta, name) for name in case["expected"]} == case["expected"]
    assert set(meta.inferred) == {
        name
        for name in ("title", "organisation", "body", "kind", "date", "period")
        if getattr(meta, name) is not None
    }


# A memo's distribution list ("Beslutet skickas till", as a heading or a line ending in a colon) under the
# signers' roles names recipients, not the signing unit; without a unit in the signature, the unit in the
# letterhead above the form label is the memo's author (constructed, fictional Ekvik).
MEMO_HEAD = [
    ["paragraph", "EKVIKS KOMMUN", 1],
    ["paragraph", "Fritidsförvaltningen", 1],
    ["paragraph", "TJÄNSTESKRIVELSE", 1],
    ["paragraph", "2024-04-02", 1],
    ["paragraph", "Fritidsnämnden", 1],
    ["heading", "Taxor för simhallen och ishallen", 1],
    ["heading", "Förslag till beslut", 1],
    ["paragraph", "Fritidsnämnden fastställer de nya taxorna för simhallen och ishallen från och med "
                  "den 1 januari, och överlämnar dem till kommunfullmäktige för kännedom.", 1],
    ["paragraph", "Förvaltningen har jämfört taxorna med grannkommunernas och föreslår en måttlig höjning "
                  "som täcker en del av de ökade energikostnaderna under det kommande året.", 2],
    ["paragraph", "Maja Berg", 2],
    ["paragraph", "Förvaltningschef", 2],
    ["paragraph", "Nils Strand", 2],
    ["paragraph", "Ekonom", 2],
]
DISTRIBUTION_CASES = {
    "a heading": [["heading", "Beslutet skickas till", 2], ["paragraph", "Kommunstyrelsen", 2],
                  ["paragraph", "Ekonomienheten", 2]],
    "a line ending in a colon": [["paragraph", "Expedieras till:", 2], ["list_item", "Kommunstyrelsen", 2],
                                 ["list_item", "Simhallens föreståndare", 2]],
}


@pytest.mark.parametrize("tail", DISTRIBUTION_CASES.values(), ids=list(DISTRIBUTION_CASES))
def test_a_memos_distribution_list_is_no_signing_unit(tail):
    meta = infer_metadata(document(fixture_blocks(MEMO_HEAD + tail)))
    assert (meta.kind, meta.title, meta.body) == (
        "tjansteskrivelse", "Taxor för simhallen och ishallen", "Fritidsförvaltningen"
    )


# --- the seeds against their gold metadata ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_gold_metadata_of_seed_texts(seed):
    """Seeds read as text by the real reader (furniture such as letterheads included)."""
    meta = infer_metadata(read_document(seed))
    expected = gold(seed)
    skip = excluded("text", seed.stem)
    got = {f: getattr(meta, f) for f, g in GOLD_FIELDS.items() if g not in skip}
    assert got == {f: expected[g] for f, g in GOLD_FIELDS.items() if g not in skip}


PDFS = {
    "000_jonkoping_pks_presentation.pdf": "000_5739f7aa07f12136",
    "001_skaraborg_skis_uppdragsbeskrivning.pdf": "001_f0a4745a239199f6",
    "002_finspang_verksamhetsplan.pdf": "002_7b405cb9d9f15c83",
    "002_finspang_twocolumn.pdf": "002_7b405cb9d9f15c83",
    "003_svenljunga_kvalitetsarbete.pdf": "003_e88347d344cf0d98",
    "004_ljusnarsberg_protokoll.pdf": "004_10e405f53db58f35",
}


@pytest.mark.parametrize("pdf", sorted(PDFS), ids=str)
def test_gold_metadata_of_pdfs(pdf):
    path = ROOT / "tests" / "data" / "pdf" / pdf
    meta = infer_metadata(read_document(path))
    seed = Path(PDFS[pdf])
    expected = gold(seed)
    skip = excluded("pdf", seed.stem)
    got = {f: getattr(meta, f) for f, g in GOLD_FIELDS.items() if g not in skip}
    assert got == {f: expected[g] for f, g in GOLD_FIELDS.items() if g not in skip}


# --- parts -----------------------------------------------------------------------------------------------


def test_municipality_name_rule_matches_the_reference_list():
    """The genitive rule gives the name of every municipality in corpus/reference/kommuner.json, except
    where the list itself departs from the official name (Kalix, Överkalix) or the official name is not
    "X(s) kommun" (Falu kommun, Region Gotland)."""
    data = json.loads((ROOT / "corpus" / "reference" / "kommuner.json").read_text(encoding="utf-8"))
    official = {
        "Kalix": "Kalix kommun",
        "Överkalix": "Överkalix kommun",
        "Falun": "Falu kommun",
        "Gotland": "Region Gotland",
    }
    wrong = []
    for entry in data["kommuner"]:
        short = entry["kommun_kortnamn"]
        expected = official.get(short, entry["kommun_namn"])
        if municipality_name(short) != expected:
            wrong.append((short, municipality_name(short), expected))
        assert municipality_name(short.upper()) == expected
    assert wrong == []
    assert len(data["kommuner"]) == 290


@pytest.mark.parametrize(
    ("title", "head", "kind"),
    [
        ("Verksamhetsplan 22/23", "", "verksamhetsplan"),
        ("Plan för systematiskt kvalitetsarbete 2025", "", "kvalitetsplan"),
        ("Huvudmannens kvalitetsrapport 2023", "", "kvalitetsrapport"),
        ("UPPDRAGSBESKRIVNING FÖR NÄTVERKET", "", "uppdragsbeskrivning"),
        (
            "Kulturanalys av förskoleverksamheten",
            "LJUSNARSBERGS KOMMUN SAMMANTRÄDESPROTOKOLL 15 (26)",
            "protokoll",
        ),
        ("Verksamhetsberättelse 2022", "", "arsbokslut"),
        ("Affärsplan för Kunskapsförbundet", "", "affarsplan"),
        ("Balanserat styrkort 2024", "", "styrkort"),
        ("Tjänsteskrivelse", "", "tjansteskrivelse"),
        ("Nämndbudget 2025 för utbildningsnämnden", "", "namndbudget"),
        ("Nämndplan 2025 Barn- och utbildningsnämnden", "", "verksamhetsplan"),
        ("Intern kontrollplan 2024", "", "intern_kontrollplan"),
        ("Delårsrapport augusti 2023", "", "arsbokslut"),
        ("Beslut efter tillsyn av förskoleklass och grundskola", "", "beslut"),
        ("Förslag till beslut", "", None),
        ("Rutin för klagomål", "", None),
    ],
)
def test_kind_from_text(title, head, kind):
    assert kind_from_text(title, head) == kind


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("TJÄNSTESKRIVELSE", "tjansteskrivelse"),
        ("Tjänsteskrivelse 2024-01-12 Dnr BUN 2024/5", "tjansteskrivelse"),
        ("SAMMANTRÄDESPROTOKOLL 1 2017-12-11", "protokoll"),
        ("6 februari 2018 SAMMANTRÄDESPROTOKOLL", "protokoll"),
        ("Justerandes signatur", "protokoll"),
        ("Bilaga 1. Styrkort", "styrkort"),
        ("BESLUT", "beslut"),
        ("Budget 2025", "namndbudget"),
        ("Förslag till beslut", None),
        ("Styrkort för Produktion förskola", None),
        ("Kommunstyrelsens verksamhetsutskott", None),
        ("KFKS 2017/457", None),
    ],
)
def test_form_label(line, kind):
    assert form_label(line) == kind


def test_document_kinds_are_the_contract_notations():
    assert list(DOCUMENT_KINDS) == [
        "protokoll",
        "tjansteskrivelse",
        "kvalitetsplan",
        "kvalitetsrapport",
        "verksamhetsplan",
        "uppdragsbeskrivning",
        "affarsplan",
        "styrkort",
        "arsbokslut",
        "namndbudget",
        "intern_kontrollplan",
        "beslut",
        "presentation",
        "annat",
    ]
    assert all(k.label for k in DOCUMENT_KINDS.values())


@pytest.mark.parametrize(
    ("mention", "period"),
    [
        (DateMention("22/23", "school_year", "2022-07-01", "2023-06-30"), "2022/2023"),
        (DateMention("2023–2026", "period", "2023-01-01", "2026-12-31"), "2023-2026"),
        (DateMention("2025", "period", "2025-01-01", "2025-12-31"), "2025"),
        (DateMention("HT23", "term", "2023-07-01", "2023-12-31"), "HT 2023"),
        (DateMention("2025-04-01", "date", "2025-04-01", "2025-04-01"), None),
        (DateMention("hösten", "term", None, None), None),
    ],
)
def test_normalise_period(mention, period):
    assert normalise_period(mention) == period


def test_merge_metadata_known_fields_win():
    known = DocumentMetadata(
        organisation="Skaraborgs kommunalförbund", kind="uppdragsbeskrivning", source="web"
    )
    inferred = DocumentMetadata(
        title="Uppdragsbeskrivning",
        organisation="Skaraborgs Kommunalförbund",
        kind="annat",
        period="2023-2026",
        inferred=["title", "organisation", "kind", "period"],
    )
    merged = merge_metadata(known, inferred)
    assert merged.organisation == "Skaraborgs kommunalförbund"
    assert merged.kind == "uppdragsbeskrivning"
    assert merged.source == "web"
    assert (merged.title, merged.period, merged.body) == ("Uppdragsbeskrivning", "2023-2026", None)
    assert merged.inferred == ["title", "period"]
    assert merge_metadata(None, inferred) == inferred


def test_load_manifest_of_the_corpus():
    manifest = load_manifest(ROOT / "corpus" / "manifest.toml")
    assert len(manifest) == 5
    finspang = manifest["002_finspang_verksamhetsplan.pdf"]
    assert (finspang.organisation, finspang.body, finspang.kind) == (
        "Finspångs kommun",
        "Sektor utbildning",
        "verksamhetsplan",
    )
    assert finspang.inferred == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('["a.pdf"\nkind = "protokoll"\n', "not valid TOML"),
        ('["a.pdf"]\nkind = "minnesanteckning"\n', "kind 'minnesanteckning' is not one of"),
        ('["a.pdf"]\nowner = "x"\n', "unknown field(s) owner"),
        ('["a.pdf"]\ndate = "1 april 2025"\n', "not an ISO date"),
        ('["a.pdf"]\ndate = 2025-04-01\n', "must be a string"),
        ('title = "x"\n', "must be a table"),
    ],
)
def test_load_manifest_errors_name_file_and_problem(tmp_path, content, problem):
    path = tmp_path / "manifest.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as error:
        load_manifest(path)
    assert str(path) in str(error.value)
    assert problem in str(error.value)


def test_load_manifest_missing_file(tmp_path):
    with pytest.raises(IngestError, match="does not exist"):
        load_manifest(tmp_path / "nope.toml")
