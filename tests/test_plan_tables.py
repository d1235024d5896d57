"""Plan tables (graph.plan.tables): column roles; rows to strategies and to activities with owners."""

import pytest
from plan_markdown import reading_of, section_of

from graph.plan.tables import cell_offsets, column_roles, context_columns, read_table
from ingest.model import Block, BlockKind


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        (["Aktivitet", "Ansvar", "Klart"], (0, 1, 2)),
        (["Utvecklingsområde", "Insats", "Ansvarig", "Tidsplan"], (1, 2, 3)),
        (["Åtgärd", "Ansvar/Klart"], (0, 1, 1)),  # one column with both
        (["Indikator", "Utfall 2024", "Målvärde"], (None, None, None)),
        (["Vad", "Vem", "När"], (0, 1, 2)),
    ],
)
def test_column_roles(header, roles):
    assert column_roles(header) == roles


@pytest.mark.parametrize(
    ("header", "act", "columns"),
    [
        (["Utvecklingsområde", "Insats", "Ansvar"], 1, [(0, "priority_area")]),
        (["Mål", "Aktivitet", "Ansvar"], 1, [(0, "goal")]),
        (["Mål", "Fokusområde", "Aktivitet"], 2, [(1, "priority_area"), (0, "goal")]),  # areas first
        (["Aktivitet", "Ansvar", "Klart"], 0, []),
    ],
)
def test_context_columns(header, act, columns):
    assert context_columns(header, act) == columns


def test_cell_offsets_point_at_each_cell():
    block = Block(BlockKind.TABLE_ROW, "Läsveckor\tRektor\tVT25", None, cells=["Läsveckor", "Rektor", "VT25"])
    offsets = cell_offsets(block)
    assert [block.text[o : o + len(c)] for o, c in zip(offsets, block.cells, strict=True)] == block.cells


def _read(table: str, heading: str = "Åtgärder"):
    r = reading_of(f"# Plan\n\n## {heading}\n\n{table}\n")
    section = section_of(r, heading)
    rows = [b for b in section.body if r.blocks[b].kind is BlockKind.TABLE_ROW]
    read_table(r, rows, section)
    return r


def _rows(r):
    return [
        (d.kind, d.text, [o.label for o in d.owners], d.deadline, d.parent.text if d.parent else None)
        for d in r.drafts.items
    ]


def test_activity_rows_get_owners_and_deadlines_from_their_columns():
    r = _read(
        "| Aktivitet | Ansvar | Klart |\n| --- | --- | --- |\n"
        "| Läsveckor | Rektor | VT25 |\n| Bokcirklar | Bibliotekarie | HT25 |"
    )
    assert _rows(r) == [
        ("activity", "Läsveckor", ["Rektor"], "VT25", None),
        ("activity", "Bokcirklar", ["Bibliotekarie"], "HT25", None),
    ]


def test_a_combined_owner_and_deadline_column_is_split():
    r = _read("| Åtgärd | Ansvar/Klart |\n| --- | --- |\n| Läsveckor | Rektor, VT25 |")
    assert _rows(r) == [("activity", "Läsveckor", ["Rektor"], "VT25", None)]


def test_letter_rows_are_strategies_and_the_rows_under_them_their_activities():
    r = _read(
        "| Åtgärd | Ansvar | Klart |\n| --- | --- | --- |\n"
        "| a) Tydlig lässtrategi |  |  |\n| Läsveckor | Rektor | VT25 |\n| Bokcirklar | Lärare | HT25 |"
    )
    strategy = ("strategy", "Tydlig lässtrategi", [], None, None)
    assert _rows(r)[0] == strategy
    assert [row[4] for row in _rows(r)[1:]] == ["Tydlig lässtrategi", "Tydlig lässtrategi"]


def test_an_area_column_gives_what_each_row_serves_and_an_empty_cell_continues_it():
    r = _read(
        "| Utvecklingsområde | Insats | Ansvar |\n| --- | --- | --- |\n"
        "| Läsning | Läsveckor | Rektor |\n|  | Bokcirklar | Lärare |\n| Trygghet | Rastvärdar | Kurator |"
    )
    assert [(d.kind, d.text, d.parent.text if d.parent else None) for d in r.drafts.items] == [
        ("priority_area", "Läsning", None),
        ("activity", "Läsveckor", "Läsning"),
        ("activity", "Bokcirklar", "Läsning"),
        ("priority_area", "Trygghet", None),
        ("activity", "Rastvärdar", "Trygghet"),
    ]


def test_a_table_without_owner_or_deadline_column_is_no_plan_table():
    r = _read("| Indikator | Utfall | Målvärde |\n| --- | --- | --- |\n| Närvaro | 91 | 95 |")
    assert r.drafts.items == []
