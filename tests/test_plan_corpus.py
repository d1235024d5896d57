"""Plan extraction on the demo corpus: the targets of issue 4 and facts the gap report relies on."""

import json
import logging
import sys
from pathlib import Path

import pytest

from graph.plan import extract_plan
from ingest.reader import read_document

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.eval_plan import combine, score_plan  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold"


@pytest.fixture(scope="module")
def corpus():
    """(file name, document, extraction, gold) for every corpus file with a gold answer."""
    logging.disable(logging.WARNING)
    out = []
    try:
        for gold_path in sorted(GOLD.glob("*.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            for path in sorted((ROOT / "corpus").glob(f"{gold_path.name[:3]}_*")):
                doc = read_document(str(path))
                out.append((path.name, doc, extract_plan(doc), gold))
    finally:
        logging.disable(logging.NOTSET)
    return out


def _get(corpus, prefix):
    return next(item for item in corpus if item[0].startswith(prefix))


def test_targets_on_the_development_set(corpus):
    micro = combine([score_plan(gold, extraction) for _name, _doc, extraction, gold in corpus])
    assert micro["activities"]["f1"] >= 0.85
    assert micro["activities"]["owner_accuracy"] >= 0.9
    assert micro["activities"]["deadline_accuracy"] >= 0.9
    assert micro["goals"]["f1"] >= 0.7
    assert micro["strategies"]["f1"] >= 0.7


def test_finspang_activities_all_have_owners_and_deadlines(corpus):
    _name, _doc, extraction, _gold = _get(corpus, "002_")
    activities = [a for a in extraction.of_kind("activity") if a.text != "Genomgång på alla möten."]
    assert len(activities) >= 19
    assert all(a.owners and a.deadline and a.due_date for a in activities)
    strategies = extraction.of_kind("strategy")
    assert len(strategies) == 9 and all(s.addresses for s in strategies)
    assert all(extraction.get(a.parent).kind == "strategy" for a in activities)


def test_svenljunga_activities_mostly_lack_owners(corpus):
    _name, _doc, extraction, _gold = _get(corpus, "003_")
    activities = extraction.of_kind("activity")
    assert len(activities) >= 30
    assert sum(1 for a in activities if a.owners) <= 2
    assert sum(1 for a in activities if a.deadline) <= 2


def test_protocol_yields_no_plan_structure(corpus):
    _name, _doc, extraction, gold = _get(corpus, "004_")
    assert not extraction.of_kind("strategy")
    report = score_plan(gold, extraction)
    assert report["goals"]["fp"] == 0 and report["activities"]["fp"] == 0


def test_quotes_point_into_the_text(corpus):
    for _name, doc, extraction, _gold in corpus:
        for e in extraction.elements:
            assert " ".join(doc.text[e.char_start : e.char_end].split()) == e.text
            assert e.page == doc.blocks[e.block].page or doc.blocks[e.block].page is None
