"""The plan scorer (benchmarks/eval_plan.py): matching threshold, kind-agnostic goals, owners, forums."""

import sys
from pathlib import Path

from graph.plan import Element, Owner, PlanExtraction

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.eval_plan import TEXT_THRESHOLD, score_plan, similarity  # noqa: E402


def _el(id_, kind, text, **kw):
    return Element(id=id_, kind=kind, text=text, block=0, char_start=0, char_end=len(text), page=None, **kw)


GOLD = {
    "goals": [
        {"text": "Ökad likvärdighet", "kind": "goal"},
        {"text": "Vision: alla lyckas", "kind": "vision"},
    ],
    "strategies": [{"text": "Huvudmannen ger stöd utifrån enheternas mognad och behov.", "goal": None}],
    "activities": [
        {
            "text": "Revidera SYV-planen.",
            "responsible": ["Strateg", "Verksamhetschef"],
            "deadline": "VT23",
            "strategy": "Huvudmannen ger stöd utifrån enheternas mognad och behov.",
        },
        {"text": "Utbilda personalen i metodiken.", "responsible": [], "deadline": None, "strategy": None},
    ],
    "challenges": [],
    "forums": [
        {"name": "Träffar mellan verksamhetschefer och rektorer", "frequency": "veckovisa"},
        {"name": "Analysträffar om trygghet", "frequency": "tre träffar per år"},
    ],
}


def test_perfect_extraction_scores_one():
    extraction = PlanExtraction(
        [
            _el("priority_area-1", "priority_area", "ökad  likvärdighet"),
            _el("vision-1", "vision", "Vision: alla lyckas"),
            _el("strategy-1", "strategy", "Huvudmannen ger stöd utifrån enheternas mognad och behov"),
            _el(
                "activity-1",
                "activity",
                "Revidera SYV-planen",
                parent="strategy-1",
                deadline="VT23",
                owners=[Owner("Strateg", "role"), Owner("Verksamhetschef", "role")],
            ),
            _el("activity-2", "activity", "Utbilda personalen i metodiken."),
            _el(
                "forum-1",
                "forum",
                "veckovisa träffar mellan verksamhetschefer och rektorer",
                frequency="veckovisa",
            ),
            _el("forum-2", "forum", "Analysera resultaten", frequency="tre träffar per år"),
        ]
    )
    report = score_plan(GOLD, extraction)
    for key in ("goals", "strategies", "activities", "forums"):
        assert report[key]["f1"] == 1.0, key
    assert report["goals"]["kind_accuracy"] == 0.5  # matched regardless of kind, kind agreement reported
    assert report["activities"]["owner_accuracy"] == 1.0
    assert report["activities"]["deadline_accuracy"] == 1.0
    assert report["activities"]["link_accuracy"] == 1.0
    assert report["forums"]["frequency_accuracy"] == 1.0


def test_wrong_owner_deadline_and_extra_elements_count():
    extraction = PlanExtraction(
        [
            _el(
                "activity-1",
                "activity",
                "Revidera SYV-planen.",
                owners=[Owner("Strateg", "role")],
                deadline="HT23",
            ),
            _el("activity-2", "activity", "Något helt annat som inte står i guldet."),
        ]
    )
    acts = score_plan(GOLD, extraction)["activities"]
    assert (acts["tp"], acts["fp"], acts["fn"]) == (1, 1, 1)
    assert acts["owner_accuracy"] == 0.0 and acts["deadline_accuracy"] == 0.0
    assert score_plan(GOLD, extraction)["goals"]["recall"] == 0.0


def test_threshold_separates_variants_from_different_statements():
    assert (
        similarity(
            "Huvudmannen har inte ett tydligt årshjul och kalendarie.",
            "Huvudmannen har inte ett tydligt årshjul och kalendarie",
        )
        >= TEXT_THRESHOLD
    )
    assert (
        similarity(
            "skapar ett långsiktigt och hållbaii skolutvecklingsarbete",
            "skapar ett långsiktigt och hållbart skolutvecklingsarbete",
        )
        >= TEXT_THRESHOLD
    )
    assert (
        similarity(
            "Huvudmannen genomför beslut som är välgrundade.",
            "Huvudmannen har inte alltid tillräckligt genomarbetade underlag till beslut.",
        )
        < TEXT_THRESHOLD
    )
