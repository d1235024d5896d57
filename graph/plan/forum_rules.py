"""Forums (recurring meetings) as the cue rules find them: forum sections, forum list items, and meetings
named in running text.

Cue rules of graph.plan.sections and graph.plan.lists, and the last step of the rules before merging
(:func:`forums_in_text`). A heading under a forum cue that names a meeting ("Ledningsgruppsmöte") is a
forum, its frequency the first one its body states; a heading that only names the kind ("Forum för
uppföljning") is one only when its sentences name no forum. Items of a forum list are forums up to their
frequency. In every block not yet read (and not under a heading quoting national steering documents), a
sentence that names a meeting with a frequency or a "hålls/träffas" verb names a forum
(graph.plan.forums.sentence_forum), and an activity that is just a meeting ("Nätverksträffar") is one too.
"""

from __future__ import annotations

from graph.plan.drafts import Reading
from graph.plan.forums import sentence_forum
from graph.plan.frequency import find_frequencies
from graph.plan.lexicon import lexicon
from graph.plan.outline import Section
from graph.plan.text import sentences, split_marker, word_count
from ingest.model import BlockKind


def forum_from_section(r: Reading, section: Section) -> None:
    """The section's heading is a forum, with the first frequency its body states; the body is read."""
    h = section.heading
    if h is None or h in r.drafts.consumed:
        return
    freq = None
    for b in section.body:
        found = find_frequencies(r.blocks[b].text)
        if found:
            freq = found[0][0]
            break
    r.drafts.heading_element(h, "forum", frequency=freq, group=h)
    r.drafts.consumed.update(section.body)


def names_forum(r: Reading, body: list[int]) -> bool:
    """Whether a sentence of the body's paragraphs names a forum by its meeting noun."""
    return any(
        sentence_forum(r.blocks[b].text[s:e], named=True)
        for b in body
        if r.blocks[b].kind is BlockKind.PARAGRAPH
        for s, e in sentences(r.blocks[b].text)
    )


def forum_item(r: Reading, b: int) -> None:
    """A list item under a forum cue: the forum up to its frequency."""
    text = r.blocks[b].text
    found = find_frequencies(text)
    _marker, _rest, offset = split_marker(text)
    end = len(text)
    if found and found[0][1] > offset:
        end = found[0][1]
    r.drafts.add("forum", b, offset, end, frequency=found[0][0] if found else None)


def forums_in_text(r: Reading) -> None:
    """Recurring meetings named in running text: a frequency with a meeting noun, or "X genomförs"."""
    lex = lexicon()
    # An activity that is just a meeting ("Nätverksträffar") is also a forum.
    for d in [d for d in r.drafts.items if d.kind == "activity" and word_count(d.text) <= 3]:
        if lex.meeting_head.fullmatch(d.text.split()[-1].strip(".:,")):
            r.drafts.add("forum", d.block, d.start, d.end)
    forum_blocks = {d.block for d in r.drafts.items if d.kind == "forum"}
    for b, block in enumerate(r.blocks):
        if (
            b in forum_blocks
            or b in r.drafts.consumed
            or block.kind is BlockKind.HEADING
            or r.outline.is_external(b)
        ):
            continue
        text = block.text
        spans = [(0, len(text))] if block.kind is BlockKind.TABLE_ROW else sentences(text)
        for s, e in spans:
            found = sentence_forum(text[s:e])
            if found is not None:
                start, end, freq = found
                r.drafts.add("forum", b, s + start, s + end, frequency=freq)
