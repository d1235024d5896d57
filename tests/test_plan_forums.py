"""Forums named in running text (graph.plan.forums), on constructed sentences."""

import pytest

from graph.plan.forums import sentence_forum

CASES = [
    ("Förvaltningens ledningsgrupp träffas varje vecka.", "Förvaltningens ledningsgrupp", "varje vecka"),
    (
        "Kvalitetsdialoger med nämnden hålls två gånger per termin.",
        "Kvalitetsdialoger med nämnden",
        "två gånger per termin",
    ),
    (
        "Rektorerna har pedagogiska samtal en gång i månaden med lärarna.",
        "pedagogiska samtal",
        "en gång i månaden",
    ),
    ("Skolledningen möts varje vecka.", "Skolledningen", "varje vecka"),
    ("Vi träffas varje vecka.", None, None),  # a pronoun names no forum
    ("Eleverna läser dagligen.", None, None),  # a frequency without a meeting
    ("Nämnden beslutar att godkänna planen.", None, None),
]


@pytest.mark.parametrize(("sentence", "name", "frequency"), CASES)
def test_sentence_forum(sentence, name, frequency):
    found = sentence_forum(sentence)
    if name is None:
        assert found is None
    else:
        start, end, freq = found
        assert (sentence[start:end], freq) == (name, frequency)
