"""A body's protocols (app.explorer.meetings) and Ny i styrgruppen over them.

Three constructed protocols of one nämnd (tests/fixtures/meetings/: two Markdown, one text), a närvarolista
of roles and parties, decisions with § and diarienummer, and four commissions: one whose date has passed, one
due in 2031, one without a date reported on by a later item with the same diarienummer, and one without a date
and not reported on.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.explorer import meetings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "meetings"
ENTRY = str(ROOT / "app" / "explorer" / "streamlit_app.py")
TODAY = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The three protocols in a store (built as `add --no-model` does)."""
    from app.pipeline import Services, add_files
    from graph.store import Store

    built = Store(tmp_path_factory.mktemp("meetings") / "store")
    report = add_files(built, sorted(FIXTURES.iterdir()), services=Services(built, use_model=False))
    assert report.ok and len(report.added) == 3, report
    return built


@pytest.fixture(scope="module")
def dataset(store):
    return store.dataset()


@pytest.fixture(scope="module")
def body(dataset):
    found = meetings.bodies(dataset)
    assert [b.label for b in found] == ["Barn- och utbildningsnämnden"]
    return found[0]


def test_the_body_has_three_meetings_newest_first_with_their_items(dataset, body):
    year = meetings.body_year(dataset, body.iri, TODAY)
    assert body.meetings == 3
    assert [(m.date, len(m.items)) for m in year.meetings] == [
        ("2026-02-02", 3), ("2025-11-10", 3), ("2025-09-15", 2)]
    assert [m.source_file for m in year.meetings] == [
        "vimmerby_bun_2026-02-02.md", "vimmerby_bun_2025-11-10.txt", "vimmerby_bun_2025-09-15.md"]
    first = year.meetings[0]
    assert [(i.number, i.dnr) for i in first.items] == [("3", "BUN 2026/8"), ("4", "BUN 2026/11"),
                                                         ("5", "BUN 2026/2")]
    assert first.items[0].title == "Handlingsplan för läsfrämjande arbete"
    assert first.items[0].page == 2  # the Markdown's page marker
    assert meetings.bodies(dataset, "https://w3id.org/styrkedja/id/kommun/0000") == []


def test_members_come_from_the_latest_narvarolista(dataset, body):
    year = meetings.body_year(dataset, body.iri, TODAY)
    assert year.members_from is not None and year.members_from.date == "2026-02-02"
    got = [(m.name, m.role, m.party, m.also) for m in year.members]
    assert got == [
        ("Helga Norrby", "ordförande", "C", ()),
        ("Sixten Alm", "vice ordförande", "M", ()),
        ("Greta Lund", "ledamot", "S", ()),
        ("Mira Sjö", "ledamot", "S", ()),
        ("Tilda Ros", "ledamot", "SD", ("justerare",)),
        ("Ebba Stål", "tjänstgörande ersättare", "M", ()),  # an ersättare in September, serving in February
        ("Jon Wide", "ersättare", "S", ()),  # serving in September, an ersättare in February
        ("Kasper Ek", "ersättare", "V", ()),
    ]
    assert "Olof Brandt" not in {m.name for m in year.members}  # present in 2025 only
    assert [(m.name, m.role, m.title) for m in year.officials] == [
        ("Leo Hjort", "sekreterare", None), ("Rut Fager", "tjänsteperson", "förvaltningschef")]


def test_decisions_newest_first_with_paragraph_and_diarienummer(dataset, body):
    year = meetings.body_year(dataset, body.iri, TODAY)
    got = [(d.meeting.date, d.item.number, d.item.dnr) for d in year.decisions]
    assert got[:4] == [("2026-02-02", "3", "BUN 2026/8"), ("2026-02-02", "4", "BUN 2026/11"),
                       ("2026-02-02", "5", "BUN 2026/2"), ("2025-11-10", "44", "BUN 2025/60")]
    assert len(year.decisions) == 8
    assert year.decisions[2].item.decision == "Delegationsbesluten noteras till protokollet."


def test_commissions_open_and_closed_by_the_rule(dataset, body):
    year = meetings.body_year(dataset, body.iri, TODAY)
    got = {c.task: (c.open, c.assignee, c.due_date, c.number, c.dnr) for c in year.commissions}
    assert got == {
        "ta fram en handlingsplan för läsfrämjande arbete": (True, "utbildningschefen", "2031-06-30", "3",
                                                             "BUN 2026/8"),
        "se över lokalbehovet i förskolan": (True, "förvaltningen", None, "4", "BUN 2026/11"),
        "ta fram en plan för kortare väntetider vid skolskjutsarna": (False, "förvaltningen", "2025-10-31",
                                                                       "31", "BUN 2025/40"),
        "utreda elevhälsans bemanning": (False, "förvaltningen", None, "32", "BUN 2025/51"),
    }
    assert [c.open for c in year.commissions] == [True, True, False, False]  # open first
    reported = next(c for c in year.commissions if c.number == "32")
    assert reported.status == "återrapporterat (§ 45, 2025-11-10)"
    assert all(c.source_file.startswith("vimmerby_bun_") for c in year.commissions)
    later = meetings.body_year(dataset, body.iri, dt.date(2031, 7, 1))
    assert len(later.open_commissions) == 1  # the 2031 deadline has passed too; the undated one stays open


@pytest.mark.parametrize(
    ("due", "meeting", "dnr", "later", "is_open", "status"),
    [
        ("2027-01-31", "2026-01-10", None, [], True, "öppet – ska vara klart senast 2027-01-31"),
        ("2026-12-03", "2026-01-10", None, [], True, "öppet – ska vara klart senast 2026-12-03"),  # today
        ("2026-12-02", "2026-01-10", None, [], False, "tidpunkten 2026-12-02 har passerat"),
        (None, "2026-01-10", "KS 2026/4", [("2026-03-01", "12", "ks 2026/4")], False,
         "återrapporterat (§ 12, 2026-03-01)"),
        (None, "2026-01-10", "KS 2026/4", [("2025-12-01", "9", "KS 2026/4")], True,
         "öppet – inget datum, ingen senare återrapportering"),  # an earlier item does not report on it
        (None, "2026-01-10", "KS 2026/4", [("2026-03-01", "12", "KS 2026/40")], True,
         "öppet – inget datum, ingen senare återrapportering"),
    ],
)
def test_commission_status(due, meeting, dnr, later, is_open, status):
    items = [(meetings.Meeting(f"m{n}", date, None, None, None, None, "d", None, "f", None),
              meetings.Item(n, item_dnr, None, None, None)) for date, n, item_dnr in later]
    assert meetings.commission_status(due, meeting, dnr, items, TODAY) == (is_open, status)


def test_dnr_key_compares_series_and_numbers():
    assert meetings.dnr_key("Bun/2020:336") == meetings.dnr_key("BUN 2020/336")
    assert meetings.dnr_key("KFKS 2018/03") == meetings.dnr_key("KFKS 2018/3")
    assert meetings.dnr_key("KS 2018/3") != meetings.dnr_key("BUN 2018/3")
    assert meetings.dnr_key(None) is None and meetings.dnr_key("Dnr saknas") is None


def test_members_of_one_list():
    rows = [
        {"name": "Anna Lind", "role": "ledamot", "party": "S", "title": None},
        {"name": "Anna Lind", "role": "justerare", "party": None, "title": None},
        {"name": "Bo Ek", "role": "ordförande", "party": "M", "title": None},
        {"name": "Eva Sund", "role": "tjänsteperson", "party": None, "title": "skolchef"},
        {"name": "Per Al", "role": "övrig närvarande", "party": "V", "title": None},
    ]
    members, officials = meetings.members_of(rows)
    assert [(m.name, m.role, m.party, m.also) for m in members] == [
        ("Bo Ek", "ordförande", "M", ()), ("Anna Lind", "ledamot", "S", ("justerare",)),
        ("Per Al", "övrig närvarande", "V", ())]
    assert [(m.name, m.title) for m in officials] == [("Eva Sund", "skolchef")]


# --- the view ---------------------------------------------------------------------------------------------


@pytest.fixture
def view(store, monkeypatch) -> AppTest:
    """Ny i styrgruppen on the protocols' store, the organisation chosen."""
    monkeypatch.setenv("STYRKEDJA_STORE", str(store.folder))
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("views/ny_i_styrgruppen.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _page(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.label for e in at.expander]
    parts += [e.label for e in at.tabs] + [e.value for e in at.subheader]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def test_view_shows_members_meetings_decisions_and_commissions(view):
    assert not view.error, [e.value for e in view.error]
    page = _page(view)
    assert "Nämnden eller utskottet: protokollen" in page
    tabs = [t.label for t in view.tabs]
    assert tabs == ["Ledamöter (8)", "Sammanträden (3)", "Senaste besluten (8)", "Uppdrag (2 öppna av 4)"]
    assert "Ur närvarolistan vid sammanträdet 2026-02-02" in page
    assert "**Ordförande:** Helga Norrby (C)" in page
    assert "Ebba Stål (M)" in page and "Tilda Ros (SD), också justerare" in page
    assert "vimmerby_bun_2026-02-02.md, s. 1" in page  # the närvarolista is cited with its page
    meetings_table = view.dataframe[0].value
    assert list(meetings_table["Datum"]) == ["2026-02-02", "2025-11-10", "2025-09-15"]
    assert list(meetings_table["Ärenden"]) == [3, 3, 2]
    assert len([e for e in view.expander if "ärenden" in e.label]) == 3
    items = view.dataframe[1].value  # the newest meeting's items
    assert list(items["§"]) == ["3", "4", "5"] and list(items["Dnr"])[0] == "BUN 2026/8"
    assert "Handlingsplan för läsfrämjande arbete" in list(items["Rubrik"])
    assert "§ 3 · Dnr BUN 2026/8 · 2026-02-02" in page  # a decision with § and diarienummer
    assert "ta fram en handlingsplan för läsfrämjande arbete" in page
    assert "till utbildningschefen, senast den 30 juni 2031" in page
    assert "återrapporterat (§ 45, 2025-11-10)" in page  # closed, in the expander


def test_view_picks_the_body_from_the_organisation_picker(view, body):
    from app.explorer.facts import BODY_SEPARATOR

    view.selectbox(key="ny_org").set_value(f"{body.publisher}{BODY_SEPARATOR}{body.iri}").run()
    assert not view.exception, [e.value for e in view.exception]
    assert not [s for s in view.selectbox if s.key == "ny_organ"]  # the picker chose the body itself
    assert "Ledamöter (8)" in [t.label for t in view.tabs]


def _hostile_module():
    """The payloads and checker of tests/security/test_hostile_text.py (one definition of what is unsafe)."""
    spec = importlib.util.spec_from_file_location("hostile_text", ROOT / "tests" / "security" /
                                                  "test_hostile_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hostile_protocol_text_reaches_the_page_escaped(tmp_path, monkeypatch):
    from app.pipeline import Services, add_files
    from graph.store import Store

    hostile = _hostile_module()
    p = hostile.PAYLOADS
    text = (FIXTURES / "vimmerby_bun_2026-02-02.md").read_text(encoding="utf-8")
    text = text.replace("Handlingsplan för läsfrämjande arbete", f"Handlingsplan {p['script']} {p['img']}")
    text = text.replace("ta fram en handlingsplan för läsfrämjande arbete",
                        f"ta fram en plan {p['link']} {p['latex']} {p['directive']} {p['anchor']}")
    text = text.replace("Delegationsbesluten noteras",
                        f"Delegationsbesluten {p['image']} {p['autolink']} noteras")
    source = tmp_path / "in" / "protokoll.md"
    source.parent.mkdir()
    source.write_text(text, encoding="utf-8")
    store = Store(tmp_path / "store")
    report = add_files(store, [source], services=Services(store, use_model=False))
    assert report.ok, report
    monkeypatch.setenv("STYRKEDJA_STORE", str(store.folder))
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page("views/ny_i_styrgruppen.py").run()
    assert "Uppdrag (2 öppna av 2)" in [t.label for t in at.tabs]
    hostile.assert_safe(at, "Ny i styrgruppen")
