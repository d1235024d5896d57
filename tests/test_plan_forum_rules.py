"""Forums as the cue rules find them (graph.plan.forum_rules)."""

import pytest
from plan_markdown import reading_of, section_of

from graph.plan.forum_rules import forum_from_section, forum_item, forums_in_text, names_forum


def test_a_forum_heading_is_a_forum_with_the_first_frequency_of_its_body():
    r = reading_of("# Plan\n\n## Ledningsgruppsmöte\n\nGruppen ses varje vecka.\n\nOch en gång per termin.\n")
    section = section_of(r, "Ledningsgruppsmöte")
    forum_from_section(r, section)
    (forum,) = r.drafts.items
    assert (forum.kind, forum.text, forum.frequency) == ("forum", "Ledningsgruppsmöte", "varje vecka")
    assert set(section.body) <= r.drafts.consumed
    forum_from_section(r, section)  # read once
    assert len(r.drafts.items) == 1


@pytest.mark.parametrize(
    ("item", "text", "frequency"),
    [
        ("Arbetslagsträffar varje vecka", "Arbetslagsträffar", "varje vecka"),
        ("Kvalitetsdialog med nämnden två gånger per år", "Kvalitetsdialog med nämnden", "två gånger per år"),
        ("Elevhälsomöten", "Elevhälsomöten", None),
    ],
)
def test_a_forum_list_item_is_the_forum_up_to_its_frequency(item, text, frequency):
    r = reading_of(f"# Plan\n\n## Forum\n\n- {item}\n")
    forum_item(r, section_of(r, "Forum").body[0])
    assert [(d.text, d.frequency) for d in r.drafts.items] == [(text, frequency)]


@pytest.mark.parametrize(
    ("paragraph", "forums"),
    [
        (
            "Förvaltningens ledningsgrupp träffas varje vecka.",
            [("Förvaltningens ledningsgrupp", "varje vecka")],
        ),
        ("Skolan arbetar med läsning i alla ämnen.", []),
    ],
)
def test_meetings_named_in_running_text(paragraph, forums):
    r = reading_of(f"# Plan\n\n## Organisation\n\n{paragraph}\n")
    forums_in_text(r)
    assert [(d.text, d.frequency) for d in r.drafts.items] == forums
    assert names_forum(r, section_of(r, "Organisation").body) is bool(forums)


def test_no_forums_from_text_already_read_or_under_national_documents():
    text = "Förvaltningens ledningsgrupp träffas varje vecka."
    r = reading_of(f"# Plan\n\n## Läroplanens mål\n\n{text}\n\n## Organisation\n\n{text}\n")
    r.drafts.consumed.update(section_of(r, "Organisation").body)
    forums_in_text(r)
    assert r.drafts.items == []


def test_an_activity_that_is_just_a_meeting_is_also_a_forum():
    r = reading_of("# Plan\n\n## Aktiviteter\n\n- Nätverksträffar\n- Läsveckor\n")
    for b in section_of(r, "Aktiviteter").body:
        r.drafts.add_item("activity", b)
    forums_in_text(r)
    assert [(d.kind, d.text) for d in r.drafts.items] == [
        ("activity", "Nätverksträffar"),
        ("activity", "Läsveckor"),
        ("forum", "Nätverksträffar"),
    ]
