"""Table rows as passages: one row each, described with the labels above it and its column header.

The scorecard here is constructed (invented goals, indicators and numbers in the genre of a Swedish school
scorecard), never cut from a real document.
"""

import pytest

from graph.passages import passages_of
from ingest.model import Block, BlockKind, ParsedDocument, assemble, assign_sections
from search.embedder import embedding_text
from search.index import passage_tokens
from search.records import DocMeta, IndexedPassage
from search.tokenize import tokenize

HEADER = ["Målområde", "Indikator", "Utfall 2021", "Mål 2022", "Mål 2023"]


def _row(cells, page=1, table=0, header=False):
    return Block(BlockKind.TABLE_ROW, "\t".join(cells), page, cells=list(cells), table=table, header=header)


def _doc(blocks):
    assign_sections(blocks)
    text, pages = assemble(blocks)
    return ParsedDocument("styrkort.pdf", "application/pdf", "0" * 64, text, pages, blocks)


def _scorecard():
    """A scorecard: a title line the reader marked as header, the column header, groups, indicator rows."""
    return _doc([
        Block(BlockKind.HEADING, "Styrkort för grundskolan", 1, level=1),
        Block(BlockKind.PARAGRAPH, "Tabellen visar nämndens målområden och indikatorer.", 1),
        _row(["Lärande för livet", "", "", "", ""], header=True),
        _row(HEADER),
        _row(["NÄMND", "", "", "", ""]),
        _row(["Eleverna når längre i sitt lärande", "Kunskapsresultat", "", "", ""]),
        _row(["", "Åk 6: Andel elever med godkänt i svenska", "88", "90", "92"]),
        _row(["", "Åk 9: Genomsnittligt meritvärde", "231", "235", "240"]),
        _row(["", "Trygghet", "", "", ""]),
        _row(["", "Åk 5: Andel elever som känner sig trygga", "91", "93", "95"]),
        _row(["Medarbetarna trivs och stannar", "Personalomsättning (%)", "14", "12", "10"]),
        _row(["", "Sjukfrånvaro bland lärare (%)", "5,2", "4,8", "4,5"]),
        # The table goes on at the next page without repeating its header.
        _row(["SKOLENHETERNA", "", "", "", ""], page=2, table=1),
        _row(["Alla elever går till skolan", "Åk 7–9: Total frånvaro (%)", "9,1", "8", "7"], page=2, table=1),
    ])


def _row_passage(passages, words):
    found = [p for p in passages if words in p.text]
    assert len(found) == 1, [p.text for p in passages]
    return found[0]


def test_every_indicator_row_is_a_passage_of_its_own_that_quotes_the_document():
    doc = _scorecard()
    passages = passages_of(doc)
    for passage in passages:
        assert doc.text[passage.char_start : passage.char_end] == passage.text
    row = _row_passage(passages, "Genomsnittligt meritvärde")
    assert row.kind == "table_row"
    assert row.text == "\t".join(["", "Åk 9: Genomsnittligt meritvärde", "231", "235", "240"])
    assert row.section == "Styrkort för grundskolan"


def test_a_row_is_described_with_its_column_header_and_the_groups_above():
    row = _row_passage(passages_of(_scorecard()), "Genomsnittligt meritvärde")
    labels, cells = row.described.split("\n")
    assert labels == "Lärande för livet › NÄMND › Eleverna når längre i sitt lärande › Kunskapsresultat"
    assert cells == (
        "Indikator: Åk 9: Genomsnittligt meritvärde; Utfall 2021: 231; Mål 2022: 235; Mål 2023: 240"
    )


def test_a_new_indicator_group_replaces_the_one_before_under_the_same_goal():
    row = _row_passage(passages_of(_scorecard()), "känner sig trygga")
    labels = row.described.split("\n")[0]
    assert labels == "Lärande för livet › NÄMND › Eleverna når längre i sitt lärande › Trygghet"


def test_a_row_that_names_a_new_goal_opens_it_for_the_rows_below():
    passages = passages_of(_scorecard())
    goal_row = _row_passage(passages, "Personalomsättning")
    assert goal_row.described.split("\n")[0] == "Lärande för livet › NÄMND"
    assert "Målområde: Medarbetarna trivs och stannar" in goal_row.described
    below = _row_passage(passages, "Sjukfrånvaro bland lärare")
    assert below.described.split("\n")[0] == "Lärande för livet › NÄMND › Medarbetarna trivs och stannar"


def test_label_rows_join_the_first_row_they_label():
    passages = passages_of(_scorecard())
    first = _row_passage(passages, "godkänt i svenska")
    for label in ("Lärande för livet", "Målområde\tIndikator", "NÄMND", "Kunskapsresultat"):
        assert label in first.text
    assert not any(p.text.strip() in ("NÄMND", "Lärande för livet") for p in passages)


def test_a_table_continued_on_the_next_page_keeps_its_title_and_header():
    row = _row_passage(passages_of(_scorecard()), "Total frånvaro")
    labels, cells = row.described.split("\n")
    assert labels == "Lärande för livet › SKOLENHETERNA"
    assert cells.startswith("Målområde: Alla elever går till skolan; Indikator: Åk 7–9: Total frånvaro (%)")
    assert "Utfall 2021: 9,1" in cells


def test_a_two_column_table_has_no_groups_and_uses_the_readers_header():
    doc = _doc([
        _row(["Aktivitet", "Ansvarig"], header=True),
        _row(["Läsfrämjande insatser", ""]),
        _row(["Kartläggning av frånvaro", "Rektor"]),
    ])
    passages = passages_of(doc)
    assert [p.described for p in passages] == [
        "Aktivitet: Läsfrämjande insatser",
        "Aktivitet: Kartläggning av frånvaro; Ansvarig: Rektor",
    ]


def test_a_table_without_header_is_described_by_its_cells():
    doc = _doc([_row(["§ 12", "Budget 2024", "5"]), _row(["§ 13", "Lokalförsörjning", "7"])])
    assert [p.described for p in passages_of(doc)] == ["§ 12; Budget 2024; 5", "§ 13; Lokalförsörjning; 7"]


def test_prose_is_not_described_and_lists_stay_with_their_lead_in():
    doc = _doc([
        Block(BlockKind.PARAGRAPH, "Skolan prioriterar följande:", 1),
        Block(BlockKind.LIST_ITEM, "• Läsning", 1, marker="•"),
        Block(BlockKind.LIST_ITEM, "• Närvaro", 1, marker="•"),
    ])
    (passage,) = passages_of(doc)
    assert passage.described == ""
    assert passage.kind == "mixed"


@pytest.fixture
def described_record():
    row = _row_passage(passages_of(_scorecard()), "Genomsnittligt meritvärde")
    return row, IndexedPassage.of("doc", row)


def test_the_index_embeds_and_tokenises_the_description(described_record):
    row, record = described_record
    meta = DocMeta("doc", "styrkort.pdf", title="Styrkort 2022", organisation="Exempelby kommun")
    embedded = embedding_text(record, meta)
    assert embedded.endswith(row.described)
    assert embedded.startswith("Exempelby kommun – Styrkort 2022\nStyrkort för grundskolan\n")
    tokens = passage_tokens(record)
    assert set(tokenize("Utfall 2021 Kunskapsresultat")) <= set(tokens)


def test_the_description_changes_the_content_hash(described_record):
    row, record = described_record
    assert record.described == row.described
    assert record.content_hash == row.content_hash
    from dataclasses import replace

    assert replace(row, described="").content_hash != row.content_hash
