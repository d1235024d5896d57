"""follow_up_in (graph/gaps.py): a passage follows an element up when most of its content words and a cue are
there; the early exit never changes the answer."""

from __future__ import annotations

import pytest

from graph.gaps import follow_up_in, gap_settings

LABEL = ("Utveckla elevhälsans arbete med närvaro, studiero, trygghet, läsförståelse, simkunnighet "
         "och schemaläggning")


def words() -> list[str]:
    from graph.gaps import _content_words

    return _content_words(LABEL, set(gap_settings()["follow_up"]["stopwords"]))


def reference(label: str, text: str) -> bool:
    """The rule as written: the share of content words present, and a cue."""
    settings = gap_settings()["follow_up"]
    have = sum(1 for w in words() if w in text.casefold())
    cue = any(c.casefold() in text.casefold() for c in settings["cues"])
    return have / len(words()) >= settings["min_overlap"] and cue


@pytest.mark.parametrize("present", range(0, 9))
@pytest.mark.parametrize("folded", [False, True])
def test_the_overlap_threshold_is_exact(present, folded):
    text = "Uppföljning: " + " ".join(words()[:present]) + " har genomförts."
    if folded:
        text = text.casefold()
    expected = reference(LABEL, text)
    found = follow_up_in(LABEL, [("p", text)], folded=folded)
    assert (found == "p") == expected


def test_without_a_cue_nothing_follows_up():
    assert follow_up_in(LABEL, [("p", " ".join(words()))]) is None
    assert follow_up_in(LABEL, [("p", "inget"), ("q", "Genomfört: " + " ".join(words()))]) == "q"
