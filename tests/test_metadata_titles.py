"""Titles a person would use (issue 12): constructed first pages in the genres' forms.

A dateline above the title ("12 mars 2024", "Utskicksdatum 2024-03-01", "Ekviks skolråd, 2024-01-15") is
not part of the title; a title that is a page's furniture is never the title; "Bilaga N." before a title is
an attachment marker; a protocol is "<body> – protokoll <date>"; a genre word alone gets its body and date.
"""

from __future__ import annotations

import pytest

from ingest.metadata import infer_metadata
from ingest.model import Block, BlockKind, ParsedDocument, assemble

BODY_TEXT = ("Förvaltningen har gått igenom hur många barn som väntas i området de kommande åren och "
             "föreslår att verksamheten flyttas till den nya byggnaden vid torget från och med höstterminen.")

CASES = [
    ("a date line and the body above a decision extract's item heading",
     [("paragraph", "4 (40)"), ("paragraph", "12 mars 2024"), ("paragraph", "Kommunstyrelsen"),
      ("paragraph", "§ 41 KS 2024/88"), ("heading2", "Flytt av Ekbackens förskola till nya lokaler"),
      ("heading3", "Beslut"), ("paragraph", "Kommunstyrelsen beslutar att förskolan flyttas."),
      ("paragraph", BODY_TEXT)],
     "Flytt av Ekbackens förskola till nya lokaler"),
    ("a sender's dateline above a motion's heading",
     [("paragraph", "Ekviks skolråd, 2024-01-15"),
      ("heading1", "Motion om fler platser i fritidshemmet"), ("paragraph", BODY_TEXT)],
     "Motion om fler platser i fritidshemmet"),
    ("a labelled sending date above a notice",
     [("paragraph", "Utskicksdatum 2024-03-01"), ("heading1", "Grundskolenämnden kallas till sammanträde"),
      ("paragraph", BODY_TEXT)],
     "Grundskolenämnden kallas till sammanträde"),
    ("a memo's addressee line (\"Till: …\") above its heading",
     [("paragraph", "Ekviks kommun"), ("paragraph", "Kultur- och fritidsförvaltningen"),
      ("paragraph", "Tjänsteskrivelse"), ("paragraph", "Datum: 2024-05-06"),
      ("paragraph", "Till: Kultur- och fritidsnämnden"),
      ("heading1", "Längre öppettider för Ekviks bibliotek"),
      ("heading2", "Förslag till beslut"), ("paragraph", BODY_TEXT)],
     "Längre öppettider för Ekviks bibliotek"),
    ("a memo's addressee line without a colon above its heading",
     [("paragraph", "Tjänsteskrivelse"), ("paragraph", "Till Kultur- och fritidsnämnden"),
      ("heading1", "Längre öppettider för Ekviks bibliotek"), ("paragraph", BODY_TEXT)],
     "Längre öppettider för Ekviks bibliotek"),
    ("an attachment marker before the title",
     [("heading1", "Bilaga 2. Verksamhetsplan Grundskolan Ekvik 2024–2026"),
      ("heading2", "Mål och uppdrag"), ("paragraph", BODY_TEXT)],
     "Verksamhetsplan Grundskolan Ekvik 2024–2026"),
]


def blocks(rows) -> list[Block]:
    found = []
    for kind, text in rows:
        level = int(kind[-1]) if kind.startswith("heading") else None
        found.append(Block(BlockKind.HEADING if level else BlockKind(kind), text, 1, level=level))
    return found


def document(rows) -> ParsedDocument:
    items = blocks(rows)
    text, pages = assemble(items)
    return ParsedDocument("doc.pdf", "application/pdf", "0" * 64, text, pages, items)


@pytest.mark.parametrize("name, rows, title", CASES, ids=[c[0] for c in CASES])
def test_title(name, rows, title):
    assert infer_metadata(document(rows)).title == title


def test_a_date_alone_is_never_a_title():
    rows = [("paragraph", "3 april 2024"), ("paragraph", "EKVIK"),
            ("heading1", "Skolskjuts för gymnasieelever"), ("paragraph", BODY_TEXT)]
    assert infer_metadata(document(rows)).title == "Skolskjuts för gymnasieelever"
