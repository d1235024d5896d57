"""Närvarolistor of real protocols (../shared/real-dev): runs where that folder exists, skips elsewhere.

The documents are never copied into the repository, and nothing of their text is written here: the checks are
structural. Every protocol lists its body's politicians with a party each, one chair, and at least as many
who decide (ordförande, vice ordförande, ledamot, tjänstgörande ersättare) as a nämnd or utskott has seats
at the least; officials carry no party.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.protocol import extract_protocol
from ingest.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
REAL_DEV = Path(os.environ.get("STYRKEDJA_REAL_DEV", ROOT.parent / "shared" / "real-dev"))
PROTOCOLS = sorted((REAL_DEV / "docs").glob("*protokoll*")) if (REAL_DEV / "docs").is_dir() else []
DECIDING = ("ordförande", "vice ordförande", "ledamot", "tjänstgörande ersättare")
POLITICIANS = (*DECIDING, "ersättare", "övrig närvarande")
FEWEST_SEATS = 5

pytestmark = pytest.mark.skipif(
    not PROTOCOLS, reason=f"no real protocols at {REAL_DEV} (never committed; set STYRKEDJA_REAL_DEV)"
)


@pytest.mark.parametrize("path", PROTOCOLS, ids=lambda p: p.name[:2])
def test_narvarolista_of_a_real_protocol(path):
    meeting = extract_protocol(read_document(path))[0]
    people = meeting.participants
    politicians = [p for p in people if p.role in POLITICIANS]
    assert sum(p.role in DECIDING for p in people) >= FEWEST_SEATS
    assert all(p.party for p in politicians), [p.role for p in politicians if not p.party]
    assert sum(p.role == "ordförande" for p in people) == 1
    assert sum(p.role == "sekreterare" for p in people) == 1
    assert not [p for p in people if p.role == "tjänsteperson" and p.party]
    names = [p.name for p in people]
    assert all(2 <= len(name.split()) <= 4 for name in names)  # no list read as one name
