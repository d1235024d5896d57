"""Hostile text in the explorer: a constructed document full of HTML, Markdown links, javascript: URLs,
images, LaTeX and Streamlit directives — in its text, its title, its owners, its deadlines and its file
name — is ingested, then every view is rendered with AppTest. Nothing the page renders as Markdown may carry
an unescaped form of any of them: each element's Markdown is rendered with a CommonMark renderer that lets raw
HTML through (the worst case), and the HTML must hold no script, image, event handler or javascript: link; no
``$`` and no ``:red[`` may stand unescaped (Streamlit's LaTeX and colour directives).
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from app.explorer.widgets import PAGES

ENTRY = str(Path(__file__).resolve().parents[2] / "app" / "explorer" / "streamlit_app.py")

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "link": "[klicka](javascript:alert(1))",
    "url": "javascript:alert(1)",  # plain text even unescaped (no Markdown flavour links it)
    "autolink": "<javascript:alert(1)>",
    "latex": "$\\frac{1}{0}$",
    "directive": ":red[röd]",
    "image": "![bild](http://127.0.0.1:9/spår.png)",
    "anchor": '<a href="javascript:alert(1)">länk</a>',
}
ALL = " ".join(PAYLOADS.values())
FILE_NAME = "plan <img src=x onerror=alert(1)> [klicka](javascript:alert(1)) $x$.md"
# A constructed verksamhetsplan (the genre of the corpus, the text our own) carrying every payload.
TEXT = f"""# Verksamhetsplan 2025 {PAYLOADS['script']} – Barn- och utbildningsförvaltningen, Mora kommun

Planen utgår från huvudmannens ansvar för det systematiska kvalitetsarbetet enligt 4 kap. 3 § skollagen. {ALL}

## Prioriterat område: Läsförståelse {PAYLOADS['img']} i grundskolan

**Mål:** Alla elever i årskurs 3 ska kunna läsa och förstå en text {PAYLOADS['link']} {PAYLOADS['latex']}.

| Aktivitet | Ansvarig | Klart |
| --- | --- | --- |
| Läsinventering {PAYLOADS['script']} i årskurs 1–3 {PAYLOADS['url']} | Rektor {PAYLOADS['img']} | HT 2025 \
{PAYLOADS['directive']} |
| Fortbildning i lässtrategier {PAYLOADS['image']} för lärare | Utvecklingsledare {PAYLOADS['anchor']} \
| VT 2026 |

## Uppföljning {PAYLOADS['anchor']}

Kvalitetsdialog {PAYLOADS['latex']} mellan förvaltningschef och rektorer hålls fyra gånger per läsår. {ALL}
"""

RENDERER = MarkdownIt("commonmark", {"html": True})
RENDERER.validateLink = lambda url: True  # worst case: no renderer-side URL filter either
# Tags that plain, escaped text (with the app's own bold, quotes and lists) never produces.
ACTIVE_TAGS = {"script", "img", "a", "iframe", "svg", "math", "object", "embed", "style", "form", "input",
               "video", "audio", "source", "link", "meta", "base"}
UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")
UNESCAPED_DIRECTIVE = re.compile(r"(?<!\\):red\[")  # the document's (the app itself uses orange and gray)
# Elements whose text Streamlit renders as Markdown ("value"/"body"); every label is Markdown too.
MARKDOWN_ELEMENTS = {"markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
                     "success", "toast", "exception"}


class _Tags(HTMLParser):
    """The active tags and attributes in rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ACTIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().casefold().startswith(("javascript:", "data:")):
                self.found.append(f"<{tag} {name}=...>")


def problems(source: str) -> list[str]:
    """What in one element's Markdown source would render as active content."""
    parser = _Tags()
    parser.feed(RENDERER.render(source))
    found = list(parser.found)
    found += ["unescaped $"] if UNESCAPED_DOLLAR.search(source) else []
    found += ["unescaped directive"] if UNESCAPED_DIRECTIVE.search(source) else []
    return found


def markdown_sources(at: AppTest) -> list[tuple[str, str]]:
    """(element type, Markdown source) of everything the page renders as Markdown."""
    out: list[tuple[str, str]] = []

    def walk(node):
        kind = getattr(node, "type", "")
        if kind in MARKDOWN_ELEMENTS:
            for name in ("value", "body"):
                value = getattr(node, name, None)
                if isinstance(value, str):
                    out.append((kind, value))
        for name in ("label", "help", "placeholder"):
            value = getattr(node, name, None)
            if isinstance(value, str):
                out.append((f"{kind}.{name}", value))
        proto = getattr(node, "proto", None)
        for name in ("label", "help"):
            value = getattr(proto, name, None) if proto is not None else None
            if isinstance(value, str) and value:
                out.append((f"{kind}.proto.{name}", value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return out


def assert_safe(at: AppTest, view: str, must_show: bool = True) -> None:
    assert not at.exception, [e.value for e in at.exception]
    sources = markdown_sources(at)
    bad = [(kind, source[:200], found) for kind, source in sources if (found := problems(source))]
    assert not bad, f"{view}: {bad}"
    if must_show:  # the hostile text did reach the view (else the test shows nothing)
        assert any("alert" in source for _, source in sources), f"{view}: the hostile document is not shown"


def test_the_checker_catches_unescaped_payloads():
    from app.explorer.text import escape_markdown

    for name, payload in PAYLOADS.items():
        assert name == "url" or problems(f"Text {payload} slut"), name
        assert not problems(escape_markdown(f"Text {payload} slut")), name
    assert problems(f"**{FILE_NAME}**") and not problems(escape_markdown(FILE_NAME))


@pytest.fixture(scope="module")
def hostile_store(model_store, tmp_path_factory):
    """The corpus store plus the hostile plan (with the model: search finds it)."""
    from app.pipeline import Services, add_files
    from graph.store import Store

    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(model_store.folder, root / "store", ignore=shutil.ignore_patterns(".lock"))
    store = Store(root / "store")
    (root / "in").mkdir()
    path = root / "in" / FILE_NAME
    path.write_text(TEXT, encoding="utf-8")
    report = add_files(store, [path], services=Services(store))
    assert report.ok and report.added == [FILE_NAME], report
    return store


@pytest.fixture
def app(hostile_store, monkeypatch):
    monkeypatch.setenv("STYRKEDJA_STORE", str(hostile_store.folder))

    def open_view(file_name: str) -> AppTest:
        at = AppTest.from_file(ENTRY, default_timeout=180)
        at.run()
        at.switch_page(f"views/{file_name}").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_view


def publisher(store) -> str:
    """The organisation IRI of the hostile document (the value behind the organisation selectboxes)."""
    from rdflib import URIRef
    from rdflib.namespace import DCTERMS

    document = URIRef(store.documents()[FILE_NAME].document)
    return str(next(store.dataset().objects(document, DCTERMS.publisher)))


def test_every_view_is_covered():
    covered = {"fraga.py", "styrkedjan.py", "luckor.py", "jamfor.py", "ny_i_styrgruppen.py", "lagrum.py",
               "dokument.py", "sparql.py", "tidslinje.py"}
    assert {page[0] for page in PAGES} == covered


def test_fraga(app):
    at = app("fraga.py")
    question = f"Läsinventering i årskurs 1–3 {PAYLOADS['img']} {PAYLOADS['latex']}"
    at.text_input(key="fraga_text").input(question)
    next(b for b in at.button if b.label == "Sök svar").click().run()
    assert_safe(at, "Fråga")


def test_styrkedjan(app, hostile_store):
    at = app("styrkedjan.py")
    at.session_state["kedja_org"] = publisher(hostile_store)
    at.run()
    assert_safe(at, "Styrkedjan")
    # Every step of the chain of the hostile document, one after another.
    assert any("alert" in option for option in at.selectbox(key="kedja_nod").options)


def test_luckor(app):
    at = app("luckor.py")
    at.multiselect(key="luckor_docs").select(FILE_NAME).run()
    assert_safe(at, "Luckor")


def test_jamfor(app, hostile_store):
    at = app("jamfor.py")
    documents = hostile_store.documents()
    hostile = documents[FILE_NAME].document
    other = next(entry.document for name, entry in sorted(documents.items()) if name != FILE_NAME)
    at.session_state["jamfor_docs"] = [hostile, other]
    at.session_state["jamfor_similar"] = hostile
    at.run()
    assert_safe(at, "Jämför")


def test_ny_i_styrgruppen(app, hostile_store):
    at = app("ny_i_styrgruppen.py")
    at.session_state["ny_org"] = publisher(hostile_store)
    at.run()
    assert_safe(at, "Ny i styrgruppen")


@pytest.fixture(scope="module")
def hostile_versions(hostile_store, tmp_path_factory):
    """The hostile store plus a second version of the hostile plan, one goal reworded (for Tidslinje)."""
    from app.pipeline import Services, add_files
    from graph.store import Store

    root = tmp_path_factory.mktemp("hostile-versions")
    shutil.copytree(hostile_store.folder, root / "store", ignore=shutil.ignore_patterns(".lock"))
    store = Store(root / "store")
    path = root / FILE_NAME.replace("plan", "plan 2026", 1)
    text = TEXT.replace("2025", "2026").replace("ska kunna läsa och förstå", "läser och förstår")
    path.write_text(text, encoding="utf-8")
    report = add_files(store, [path], services=Services(store))
    assert report.ok and report.added == [path.name], report
    return store


def test_tidslinje(hostile_versions, monkeypatch):
    monkeypatch.setenv("STYRKEDJA_STORE", str(hostile_versions.folder))
    at = AppTest.from_file(ENTRY, default_timeout=300)
    at.run()
    at.switch_page("views/tidslinje.py").run()
    assert_safe(at, "Tidslinje")
    assert at.metric, "the two versions were not compared"


def test_lagrum(app):
    at = app("lagrum.py")
    assert_safe(at, "Lagrum")


def test_dokument(app):
    at = app("dokument.py")
    assert_safe(at, "Dokument", must_show=False)  # titles and file names stand in a table (plain text)
    assert FILE_NAME in set(at.dataframe[0].value["Fil"])


def test_dokument_upload_messages(app, monkeypatch):
    at = app("dokument.py")
    at.file_uploader(key="dokument_fil").set_value((f"{PAYLOADS['img']}{PAYLOADS['latex']}.pdf",
                                                    b"ingen pdf " + ALL.encode(), "application/pdf"))
    next(b for b in at.button if b.label == "Läs in").click().run()
    assert at.error
    assert_safe(at, "Dokument (refused upload)", must_show=False)


@pytest.mark.parametrize("query", [
    f"SELECT ?x WHERE {{ ?x ?p \"{PAYLOADS['script']}\" . {PAYLOADS['img']} }}",  # a syntax error quoting it
    f"SELECT * FROM <javascript:alert(1)> WHERE {{ ?s ?p ?o }} # {PAYLOADS['link']}",
    "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 50",
])
def test_sparql(app, query):
    at = app("sparql.py")
    at.text_area(key="sparql_text").input(query)
    next(b for b in at.button if b.label == "Kör").click().run()
    assert_safe(at, "SPARQL", must_show=False)


@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://127.0.0.1:9/\")", "'=HYPERLINK(\"http://127.0.0.1:9/\")"),
    ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"), ("-x", "'-x"),
    ("\t=1", "'\t=1"), ("-5", "-5"), ("Rektor", "Rektor"), (None, ""), (3, "3"),
])
def test_csv_cells_never_start_a_formula(value, cell):
    from app.explorer.text import csv_cell

    assert csv_cell(value) == cell
