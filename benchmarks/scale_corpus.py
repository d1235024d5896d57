"""Copies of real and demo documents for the scale benchmark: new names, organisations and small text changes.

A source document (a corpus file, or a document of ``../shared/real-dev`` where that folder exists) is turned
into text once: a PDF as the Markdown its reading gives (headings, list items, pipe tables, page markers
``<!-- sida N -->``: what the corpus text of a PDF is after reading), a text or Markdown file as it is. Each
copy then
gets, deterministically from its ordinal:

- a file name and a title of its own, and another organisation (a kommun of ``corpus/reference/kommuner.json``
  written into the text in place of the source's organisation name and into the copy's manifest entry);
- years shifted by a few (statute numbers such as 2010:800 stay), one other number changed;
- one paragraph dropped, or two neighbouring paragraphs swapped.

No two copies have the same bytes (the store would record identical bytes as another name of one document).
Used by ``benchmarks/bench_scale.py``; run alone it writes a corpus folder::

    .venv/bin/python benchmarks/scale_corpus.py OUT --count 100 [--no-real-dev]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.iris import slug  # noqa: E402
from ingest.metadata import load_manifest  # noqa: E402
from ingest.model import BlockKind, DocumentMetadata, ParsedDocument  # noqa: E402

log = logging.getLogger("benchmarks.scale_corpus")

CORPUS = ROOT / "corpus"
REAL_DEV = ROOT.parent / "shared" / "real-dev"
KOMMUNER = CORPUS / "reference" / "kommuner.json"
SUFFIXES = (".pdf", ".md", ".txt")

YEAR = re.compile(r"(?<![\d:.-])(?<!Agenda )(19[5-9]\d|20[0-4]\d)(?![\d:]|\s*:\s*\d)")
NUMBER = re.compile(r"(?<![\d:./§-])\b([1-9]\d{0,2})\b(?![\d:./-]| ?§| ?kap)")
# Words of an organisation's name that do not name its place.
GENERIC = {
    "kommun",
    "kommunal",
    "kommunalförbund",
    "kommunalförbundet",
    "region",
    "regionen",
    "län",
    "stad",
    "utveckling",
    "landsting",
    "förbund",
    "nämnd",
    "och",
}


@dataclass(frozen=True)
class Source:
    """One source document as text, with what is known of it."""

    name: str  # the source file's base name
    text: str  # Markdown (a PDF as read) or the file's own text
    organisation: str | None
    kind: str | None
    title: str | None
    body: str | None = None


@dataclass(frozen=True)
class Copy:
    """One copy of a source: its file name, text, manifest entry and the changes made."""

    name: str
    text: str
    source: str
    metadata: dict[str, str]
    changes: list[str] = field(default_factory=list)

    @property
    def sha256(self) -> str:
        """The SHA-256 of the copy's bytes (as written)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------------------------------------ sources


def source_files(corpus: Path = CORPUS, real_dev: Path | None = REAL_DEV) -> list[Path]:
    """The readable documents of the corpus and, where it exists, of real-dev's docs folder, sorted."""
    folders = [corpus] + (
        [real_dev / "docs"] if real_dev is not None and (real_dev / "docs").is_dir() else []
    )
    return [
        path
        for folder in folders
        for path in sorted(folder.iterdir())
        if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith(".")
    ]


def render_markdown(doc: ParsedDocument) -> str:
    """A parsed document as Markdown: headings, list items, pipe tables, page markers."""
    parts: list[str] = []
    page = None
    table = None
    for block in doc.blocks:
        if block.page is not None and block.page != page:
            page = block.page
            parts.append(f"<!-- sida {page} -->")
            table = None
        text = " ".join(block.text.split())
        if block.kind == BlockKind.TABLE_ROW:
            cells = [" ".join(c.split()).replace("|", "/") for c in (block.cells or [text])]
            row = "| " + " | ".join(cells) + " |"
            if table is not None and table == block.table and parts:
                parts[-1] += "\n" + row
            else:
                parts.append(row + "\n|" + "---|" * len(cells))
            table = block.table
            continue
        table = None
        if block.kind == BlockKind.HEADING:
            parts.append("#" * min(max(block.level or 1, 1), 6) + " " + text)
        elif block.kind == BlockKind.LIST_ITEM:
            marker = block.marker or "-"
            marker = "-" if marker in "•–✓-*·" else marker
            body = (
                text[len(block.marker) :].strip() if block.marker and text.startswith(block.marker) else text
            )
            parts.append(f"{marker} {body}")
        else:
            parts.append(text)
    return "\n\n".join(parts) + "\n"


def read_source(path: Path, known: DocumentMetadata | None = None) -> Source:
    """Read one source document (a PDF through the reader, a text as it is) into a Source."""
    from ingest.reader import read_document

    doc = read_document(path, known=known)
    if path.suffix.lower() == ".pdf":
        text = render_markdown(doc)
    else:
        text = path.read_text("utf-8")
    meta = doc.metadata
    return Source(path.name, text, meta.organisation, meta.kind, meta.title, meta.body)


def load_sources(paths: Iterable[Path]) -> list[Source]:
    """Read the source documents (with a corpus manifest's entries where a folder has one)."""
    manifests: dict[Path, dict[str, DocumentMetadata]] = {}
    sources = []
    for path in paths:
        folder = path.parent
        if folder not in manifests:
            manifest = folder / "manifest.toml"
            manifests[folder] = load_manifest(manifest) if manifest.exists() else {}
        sources.append(read_source(path, manifests[folder].get(path.name)))
        log.info("source %s read (%d characters)", path.name, len(sources[-1].text))
    return sources


def kommuner(path: Path = KOMMUNER) -> list[dict]:
    """The kommuner of the reference data (name, short name, kommunkod)."""
    data = json.loads(path.read_text("utf-8"))
    return list(data.get("kommuner", data) if isinstance(data, dict) else data)


# ------------------------------------------------------------------------------------------------ changes


def place_words(organisation: str | None) -> list[str]:
    """The words of an organisation's name that name its place, without a genitive s ("Nackas" -> "Nacka")."""
    if not organisation:
        return []
    words = []
    for word in re.findall(r"[A-ZÅÄÖ][\wåäöéü-]+", organisation):
        if word.casefold() in GENERIC:
            continue
        words.append(word[:-1] if word.endswith("s") and len(word) > 4 else word)
    return words


def rename_place(text: str, old: Sequence[str], new: str) -> tuple[str, int]:
    """Write ``new`` for each place word of ``old`` (its genitive for theirs); return text and count."""
    count = 0
    genitive = new if new.endswith(("s", "x", "z")) else new + "s"
    for word in sorted(old, key=len, reverse=True):
        for written, name, owned in ((word, new, genitive), (word.upper(), new.upper(), genitive.upper())):
            pattern = re.compile(rf"(?<![^\W_]){re.escape(written)}([sS]?)(?![^\W_])")
            text, n = pattern.subn(lambda m, name=name, owned=owned: owned if m.group(1) else name, text)
            count += n
    return text, count


def shift_years(text: str, shift: int) -> tuple[str, int]:
    """Add ``shift`` to every year 1950-2049 (not a statute number such as 2010:800); return text, count."""
    if not shift:
        return text, 0
    return YEAR.subn(lambda m: str(int(m.group(1)) + shift), text)


def change_number(text: str, rng: random.Random) -> tuple[str, bool]:
    """Change one small number of a paragraph line (not a §, chapter, date or year) by one."""
    found = [
        m for m in NUMBER.finditer(text) if not text[max(0, m.start() - 2) : m.start()].strip().endswith("§")
    ]
    found = [m for m in found if not YEAR.fullmatch(m.group(1))]
    if not found:
        return text, False
    match = rng.choice(found)
    value = int(match.group(1))
    return text[: match.start()] + str(value + 1) + text[match.end() :], True


def _is_paragraph(chunk: str) -> bool:
    first = chunk.lstrip()
    return bool(first) and not first.startswith(("#", "|", "<!--", "---", "-", "•")) and len(first) > 40


def edit_paragraphs(text: str, rng: random.Random) -> tuple[str, str | None]:
    """Drop one paragraph, or swap two neighbouring ones; return the text and what was done (or None)."""
    chunks = text.split("\n\n")
    candidates = [i for i, chunk in enumerate(chunks) if _is_paragraph(chunk)]
    if not candidates:
        return text, None
    i = rng.choice(candidates)
    if rng.random() < 0.5 and i + 1 < len(chunks) and _is_paragraph(chunks[i + 1]):
        chunks[i], chunks[i + 1] = chunks[i + 1], chunks[i]
        return "\n\n".join(chunks), "swapped two paragraphs"
    del chunks[i]
    return "\n\n".join(chunks), "dropped a paragraph"


def make_copy(source: Source, ordinal: int, kommun: dict, seed: int = 0) -> Copy:
    """The copy number ``ordinal`` of a source, moved to ``kommun``, with small text changes."""
    rng = random.Random(f"{seed}:{ordinal}:{source.name}")
    short = kommun["kommun_kortnamn"]
    text, renamed = rename_place(source.text, place_words(source.organisation), short)
    shift = rng.choice((-2, -1, 1, 2, 3))
    text, years = shift_years(text, shift)
    text, numbered = change_number(text, rng)
    text, edit = edit_paragraphs(text, rng)
    changes = [f"organisation -> {kommun['kommun_namn']} ({renamed} mentions)", f"years {shift:+d} ({years})"]
    changes += ["one number changed"] if numbered else []
    changes += [edit] if edit else []
    title = source.title or Path(source.name).stem.replace("_", " ")
    title, _ = shift_years(rename_place(title, place_words(source.organisation), short)[0], shift)
    if short not in title:
        title = f"{title} – {short}"
    stem = slug(shift_years(Path(source.name).stem, shift)[0])
    for word in place_words(source.organisation):  # file names are often lower case and without å, ä, ö
        stem = stem.replace(slug(word), slug(short))
    stem = stem[:48]
    suffix = ".txt" if source.name.lower().endswith(".txt") else ".md"
    name = f"{ordinal:05d}_{stem}{suffix}"
    metadata = {"organisation": kommun["kommun_namn"], "title": title}
    metadata.update({"kind": source.kind} if source.kind else {})
    return Copy(name, text, source.name, metadata, changes)


def make_copies(sources: Sequence[Source], count: int, towns: Sequence[dict], seed: int = 0) -> list[Copy]:
    """``count`` copies, round-robin over the sources, each with a kommun; no two with the same bytes."""
    if not sources:
        raise ValueError("no source documents")
    copies: list[Copy] = []
    seen: set[str] = set()
    for ordinal in range(count):
        source = sources[ordinal % len(sources)]
        attempt = 0
        while True:
            town = towns[(ordinal * 7 + attempt * 13 + seed) % len(towns)]
            copy = make_copy(source, ordinal, town, seed + attempt * 1009)
            if copy.sha256 not in seen:
                break
            attempt += 1
        seen.add(copy.sha256)
        copies.append(copy)
    return copies


# ------------------------------------------------------------------------------------------------ writing


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_corpus(copies: Sequence[Copy], folder: Path) -> list[Path]:
    """Write copies and their manifest.toml into a corpus folder (an unchanged copy is not rewritten)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for copy in copies:
        path = folder / copy.name
        if not path.exists() or path.read_text("utf-8") != copy.text:
            path.write_text(copy.text, encoding="utf-8")
        written.append(path)
    manifest_path = folder / "manifest.toml"
    entries = {}
    if manifest_path.exists():
        entries = {name: meta for name, meta in _manifest_tables(manifest_path).items()}
    entries.update({copy.name: copy.metadata for copy in copies})
    lines = ["# Copies made by benchmarks/scale_corpus.py (organisation, title and kind of each copy)."]
    for name in sorted(entries):
        lines.append(f"\n[{_toml_string(name)}]")
        lines += [f"{key} = {_toml_string(value)}" for key, value in sorted(entries[name].items())]
    manifest_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def _manifest_tables(path: Path) -> dict[str, dict[str, str]]:
    import tomllib

    return tomllib.loads(path.read_text("utf-8"))


def main() -> None:
    """Write a corpus folder of copies."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--no-real-dev", action="store_true", help="copy the corpus documents only")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sources = load_sources(source_files(CORPUS, None if args.no_real_dev else REAL_DEV))
    copies = make_copies(sources, args.count, kommuner(), args.seed)
    write_corpus(copies, args.out)
    log.info("%d copies of %d sources written to %s", len(copies), len(sources), args.out)


if __name__ == "__main__":
    main()
