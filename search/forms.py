"""Question forms: what kind of answer a question asks for, and which sentences give it (pure).

A why-question ("Varför …", "Av vilken anledning …") is answered by a reason or purpose sentence ("… kommer
därför att …", "Syfte: …", "… för att …"), often one sentence inside a long paragraph whose other sentences
are about something else, so the paragraph as a whole is further from the question than its reason sentence
is. The forms and their cue words are data (search/data/question_forms.toml), general Swedish. Measured as
re-rankings by benchmarks/eval_search.py (--variants why_sentence,form_cue); not in the product ranking.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.answer import sentence_spans

FORMS_FILE = Path(__file__).parent / "data" / "question_forms.toml"


@dataclass(frozen=True)
class QuestionForm:
    """A form of question: the pattern that marks it and the pattern of a sentence that answers it."""

    name: str
    asks: re.Pattern[str]
    cues: re.Pattern[str]


@lru_cache(maxsize=1)
def question_forms() -> tuple[QuestionForm, ...]:
    """The question forms, in order of precedence (compiled once)."""
    data = tomllib.loads(FORMS_FILE.read_text("utf-8"))
    return tuple(
        QuestionForm(f["name"], re.compile(f["asks"], re.IGNORECASE), re.compile(f["cues"], re.IGNORECASE))
        for f in data["form"]
    )


def form_of(question: str) -> QuestionForm | None:
    """The form of a question: the first whose pattern matches, else None."""
    return next((form for form in question_forms() if form.asks.search(question)), None)


def cue_sentences(text: str, form: QuestionForm) -> list[str]:
    """The sentences of a text carrying one of the form's cues (a why-form: reason and purpose sentences)."""
    return [text[start:end] for start, end in sentence_spans(text) if form.cues.search(text[start:end])]
