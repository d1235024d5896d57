"""Question forms (search/forms.py): which questions are why/who/when questions, and their cue sentences."""

import pytest

from search.forms import cue_sentences, form_of, question_forms


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Varför stänger nämnden den lilla skolan i byn?", "why"),
        ("Av vilken anledning flyttas fritidshemmet?", "why"),
        ("Vad är syftet med den nya rutinen för övergångar?", "why"),
        ("Vem ansvarar för uppföljningen av läsresultaten?", "who"),
        ("Vilket politiskt organ fattar beslutet om skolskjuts?", "who"),
        ("När ska planen för elevhälsan vara klar?", "when"),
        ("Hur länge pågår projektet med läsombud?", "when"),
        ("Vilka mål har förskolan för läsåret?", None),
        ("Hur många elever går i årskurs 4?", None),
    ],
)
def test_form_of(question, expected):
    form = form_of(question)
    assert (form.name if form else None) == expected


def test_why_precedes_who_and_when():
    # "varför" decides even when the question also says "när" or "vem".
    assert form_of("Varför vill rektorn ändra schemat när terminen redan börjat?").name == "why"


def test_cue_sentences_of_why_are_reason_sentences():
    why = next(form for form in question_forms() if form.name == "why")
    text = ("Skolan har tre klasser. Lokalerna är gamla och kommer därför att byggas om. "
            "Eleverna äter i matsalen. Syftet är att ge alla en lugn skoldag.")
    assert cue_sentences(text, why) == [
        "Lokalerna är gamla och kommer därför att byggas om.",
        "Syftet är att ge alla en lugn skoldag.",
    ]


def test_cue_sentences_none_without_cues():
    why = next(form for form in question_forms() if form.name == "why")
    assert cue_sentences("Skolan har tre klasser. Eleverna äter i matsalen.", why) == []


def test_every_form_has_a_name_and_patterns():
    names = [form.name for form in question_forms()]
    assert names == ["why", "who", "when"]
    assert all(form.asks.pattern and form.cues.pattern for form in question_forms())


def test_the_constructed_why_questions_are_read_as_why_and_no_other():
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "questions" / "constructed.json"
    questions = json.loads(path.read_text(encoding="utf-8"))
    assert len({q["id"] for q in questions}) == len(questions) >= 10
    for question in questions:
        form = form_of(question["q"])
        assert ((form is not None and form.name == "why") == (question["kind"] == "why")), question["id"]
