"""Plain-text and markdown files -> blocks in reading order (decoding, headings, lists, tables, TOC, pages).

``.txt`` files are often markdown in disguise, or text extracted from a PDF, or a website's transcript of a
scanned protocol; all three are recognised whatever the file's suffix says. Character offsets are not set
here: the reader assembles the blocks afterwards (ingest.model.assemble).
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass

from ingest.model import CELL_SEPARATOR, Block, BlockKind, IngestError, Reading
from ingest.textforms import (
    cell_lines,
    drop_html_comments,
    find_edge_furniture,
    find_page_furniture,
    has_column_gap,
    html_page_number,
    is_numberish,
    is_prose_columns,
    join_cell_lines,
    layout_rows,
    page_columns,
    pipe_cells,
    read_pipe_row,
    split_front_matter,
)
from ingest.textlexicon import (
    is_conversion_note,
    is_header_cell,
    is_page_label,
    is_web_junk,
    lexicon,
    strip_furniture,
)
from ingest.toc import TocEntry, is_toc_title, match_toc_entry, numbering_level, parse_toc_line, toc_levels
from ingest.transcript import is_transcript, parse_transcript

log = logging.getLogger(__name__)

# --- decoding

# Share of characters that may be control or replacement characters before a file counts as not text.
MAX_BAD_SHARE = 0.05
_UTF8_REPLACED_SHARE = 0.25  # a file with few bad bytes among many good UTF-8 sequences is still UTF-8
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _bad_share(text: str) -> float:
    if not text:
        return 0.0
    bad = 0
    for ch in text:
        if ch in "\t\n\r\f\v":
            continue
        if ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"):
            bad += 1
    return bad / len(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """Decode UTF-16 text that lacks a byte-order mark (every other byte NUL), or return None."""
    if len(data) < 4 or len(data) % 2:
        return None
    even = data[0::2].count(0) / (len(data) / 2)
    odd = data[1::2].count(0) / (len(data) / 2)
    encoding = (
        "utf-16-le" if odd > 0.4 and even < 0.05 else "utf-16-be" if even > 0.4 and odd < 0.05 else None
    )
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _decode_legacy(data: bytes) -> tuple[str, str]:
    """Decode non-UTF-8 bytes as cp1252 when they use its 0x80-0x9F characters, else as latin-1."""
    if any(0x80 <= b <= 0x9F for b in data):
        try:
            return data.decode("cp1252"), "cp1252 (Windows-1252)"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1 (ISO-8859-1)"


def normalise_newlines(text: str) -> str:
    """Turn CRLF, CR and Unicode line/paragraph separators into LF and drop byte-order marks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return text.replace("\ufeff", "")


def decode_text(data: bytes, path: str) -> tuple[str, list[str]]:
    """Decode a text file's bytes; return the text (LF newlines) and warnings; raise IngestError if not text.

    UTF-8 with or without BOM is read silently; UTF-16/32 with BOM too. Other bytes are read as cp1252 or
    latin-1 with a warning naming the encoding assumed. NUL bytes or mostly undecodable bytes are an error.
    """
    warnings: list[str] = []
    if not data.strip(b" \t\r\n\f"):
        raise IngestError(path, "the file is empty")
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                raise IngestError(
                    path, f"the file is marked as {encoding.upper()} but cannot be decoded"
                ) from error
            break
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise IngestError(path, "the file contains NUL bytes, so it is binary data, not text")
        warnings.append("the file has no byte-order mark; decoded as UTF-16")
    if text is None:
        body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            replaced = body.decode("utf-8", errors="replace")
            bad = replaced.count("\ufffd")
            good = sum(1 for ch in replaced if ord(ch) > 127 and ch != "\ufffd")
            if good and bad <= _UTF8_REPLACED_SHARE * good:
                text = replaced
                warnings.append(f"the file is not valid UTF-8: {bad} undecodable byte(s) were replaced")
            else:
                text, name = _decode_legacy(body)
                warnings.append(f"the file is not UTF-8; decoded as {name}")
    if "\x00" in text:
        raise IngestError(path, "the file contains NUL characters, so it is binary data, not text")
    if _bad_share(text) > MAX_BAD_SHARE:
        raise IngestError(path, "the file does not look like text: most of its bytes cannot be decoded")
    text = normalise_newlines(text)
    if not text.strip():
        raise IngestError(path, "the file is empty")
    return text, warnings


# --- inline markdown

_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*\\])\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?!\w)")
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def strip_inline(text: str) -> str:
    """Remove inline markdown (bold, italic, links, images, code, escapes), keeping the words."""
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***x*** or **_x_**
        text = _BOLD.sub(r"\2", text)
        text = _ITALIC_STAR.sub(r"\1", text)
        text = _ITALIC_UNDERSCORE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    return text


# --- line model

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+•▪◦‣●○■□–—✓✔➢➤►·])[ \t]+(?P<rest>\S.*)$")
_ENUM = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>(?:\d{1,3}|[a-zåäö]|[ivx]{2,5})[.)]|[A-ZÅÄÖ]\)|\((?:\d{1,3}|[a-zåäö])\))"
    r"[ \t]+(?P<rest>\S.*)$"
)
_PIPE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(?P<text>[^*_].*?)\1\s*[:.]?\s*$")
_PAGE_LINE = (
    re.compile(
        r"^(?:sida|sid\.?|s\.|page)\s*(?P<p>\d{1,4})(?:\s*(?:av|of|/|\()\s*\d{1,4}\)?)?$", re.IGNORECASE
    ),
    re.compile(r"^(?P<p>\d{1,4})\s*[({\[]\s*\d{1,4}\s*[)}\]]$"),
    re.compile(r"^[-–]\s*(?P<p>\d{1,4})\s*[-–]$"),
    re.compile(r"^(?P<p>\d{1,4})\s*(?:av|/)\s*\d{1,4}$"),
)
_HEADER_LINE = re.compile(r"^(?P<prefix>.{2,120}?)\s+(?P<p>\d{1,3})\s*[({\[]\s*(?P<tot>\d{1,3})\s*[)}\]]$")
_CONJUNCTIONS = frozenset({"och", "eller", "samt", "till", "respektive", "resp", "som", "men"})
# A heading (found from layout, not markup) is at most this long.
MAX_HEADING_CHARS = 120
MAX_HEADING_WORDS = 14
MAX_LABEL_WORDS = 3
MAX_LEVEL = 6
# A text with several lines longer than this has a paragraph per line (no fixed-width wrapping); there, a
# line break ends a paragraph unless it follows a short line (a title or name split over lines).
UNWRAPPED_LINE = 100
SHORT_LINE = 60
UNWRAPPED_ENDED_SHARE = 0.5
# A short line repeated this often after page gaps is a running header or footer.
RUNNING_HEADER_MIN = 3
RUNNING_HEADER_MAX_WORDS = 5


@dataclass
class _Line:
    text: str
    page: int | None
    gap: int = 0  # blank lines before it
    hard: bool = False  # a line of a text box (a table cell's <br> lines): its line break is kept


@dataclass
class _Draft:
    """A block before headings, levels and tables are decided."""

    kind: BlockKind
    text: str
    page: int | None
    raw: str = ""  # before inline markdown was stripped
    marker: str | None = None
    depth: int = 0
    cells: list[str] | None = None
    header: bool = False
    style: str | None = None  # heading style: atx, setext, toc, numbered, caps, title, bold, label
    level: int | None = None
    toc: TocEntry | None = None
    alone: bool = False  # the only block of its chunk (a line between blank lines)
    columns: bool = False  # written in columns (a gap of spaces between words: a label and its value)
    lines: int = 1
    table: int | None = None
    gap: int = 0  # blank lines before the block


def _page_marker(text: str) -> int | None:
    """Return the page number of a line that is only a page marker ("Sida 3 av 12", "3 (12)", "- 3 -")."""
    stripped = text.strip()
    for pattern in _PAGE_LINE:
        match = pattern.match(stripped)
        if match:
            return int(match.group("p"))
    match = _HEADER_LINE.match(stripped)
    if match and int(match.group("p")) <= int(match.group("tot")):
        prefix = match.group("prefix")
        words = prefix.split()
        if len(words) <= 10 and all(w[0].isupper() or w[0].isdigit() or not w[0].isalpha() for w in words):
            return int(match.group("p"))
    return None


def _paginate_comments(raw: list[str]) -> list[_Line] | None:
    """Number pages from page-marker comments (``<!-- sida 3 -->`` opens page 3), or None without them."""
    markers = [(i, p) for i, line in enumerate(raw) if (p := html_page_number(line)) is not None]
    if not markers:
        return None
    first_index, first_page = markers[0]
    content_before = any(line.strip() for line in raw[:first_index])
    page = max(first_page - 1, 1) if content_before else first_page
    marker_at = dict(markers)
    lines: list[_Line] = []
    for i, line in enumerate(raw):
        if i in marker_at:
            page = marker_at[i]
            lines.append(_Line("", page))  # the marker separates what stands before and after it
            continue
        lines.append(_Line(line, page))
    return lines


def _paginate(text: str) -> list[_Line]:
    """Split text into lines with page numbers from form feeds, page-marker comments or standalone markers."""
    lines: list[_Line] = []
    by_comments = _paginate_comments(text.split("\n")) if "<!--" in text else None
    if by_comments is not None:
        return by_comments
    if "\f" in text:
        for number, chunk in enumerate(text.split("\f"), start=1):
            for line in chunk.split("\n"):
                if _page_marker(line) is None:
                    lines.append(_Line(line, number))
        return lines
    raw = text.split("\n")
    markers = [(i, p) for i, line in enumerate(raw) if (p := _page_marker(line)) is not None]
    if not markers:
        return [_Line(line, None) for line in raw]
    first_index, first_page = markers[0]
    content_before = any(line.strip() for line in raw[:first_index])
    footer = content_before and first_page == 1
    marker_at = dict(markers)
    page = 1 if footer else max(first_page - 1, 1) if content_before else first_page
    for i, line in enumerate(raw):
        if i in marker_at:
            page = marker_at[i] + 1 if footer else marker_at[i]
            continue
        lines.append(_Line(line, page))
    return lines


def _drop_read_more(lines: list[_Line]) -> tuple[list[_Line], int]:
    """Drop a hosting site's list of other documents (a title, a snippet repeating it, "Läs mer")."""
    read_more = lexicon().read_more
    nonblank = [i for i, line in enumerate(lines) if line.text.strip()]
    drop: set[int] = set()
    entries = 0
    for k, i in enumerate(nonblank):
        if lines[i].text.strip().casefold() != read_more or k < 2:
            continue
        title, snippet = lines[nonblank[k - 2]].text.strip(), lines[nonblank[k - 1]].text.strip()
        head = re.sub(r"\W+", "", title.casefold())[:25]
        if head and re.sub(r"\W+", "", snippet.casefold()).startswith(head):
            drop.update({nonblank[k - 2], nonblank[k - 1], i})
            entries += 1
    return [line for i, line in enumerate(lines) if i not in drop], entries


def _indent_width(indent: str) -> int:
    return len(indent.expandtabs(4))


def _toc_entry(lines: list[_Line], j: int) -> tuple[tuple[str, int | None] | None, int]:
    """Parse the TOC entry at line j (joining a title wrapped onto the next line); return it, lines used."""
    text = lines[j].text
    link = re.match(r"^\s*[-*+]\s+\[([^\]]+)\]\(#[^)]*\)\s*$", text)
    if link:
        return (strip_inline(link.group(1)), None), 1
    parsed = parse_toc_line(strip_inline(text))
    if parsed is not None or len(text.strip()) >= 120 or j + 1 >= len(lines):
        return parsed, 1
    following = lines[j + 1].text
    if following.strip() and parse_toc_line(strip_inline(following)) is not None:
        joined = parse_toc_line(strip_inline(f"{text.strip()} {following.strip()}"))
        if joined is not None:
            return joined, 2
    return None, 1


def _extract_toc(lines: list[_Line]) -> tuple[list[TocEntry], list[_Line]]:
    """Find a table of contents (after a TOC title, or a run of dot-leader lines); return it and the rest."""
    for start, line in enumerate(lines):
        if not is_toc_title(strip_inline(line.text)):
            continue
        items: list[tuple[str, int | None, float | None]] = []
        used, j, blank_run = {start}, start + 1, 0
        while j < len(lines):
            if not lines[j].text.strip():
                blank_run += 1
                if blank_run > 2:
                    break
                j += 1
                continue
            parsed, count = _toc_entry(lines, j)
            if parsed is None or (parsed[1] is None and any(p is not None for _, p, _ in items)):
                break  # a numbered heading without a page, after entries with pages, starts the text
            blank_run = 0
            indent = _indent_width(re.match(r"^\s*", lines[j].text).group())
            items.append((parsed[0], parsed[1], float(indent) * 5.0))
            used.update(range(j, j + count))
            j += count
        if len(items) >= 2:
            if len({x for _, _, x in items}) == 1:
                items = [(t, p, None) for t, p, _ in items]
            return toc_levels(items), [line for i, line in enumerate(lines) if i not in used]
    return _untitled_toc(lines)


def _untitled_toc(lines: list[_Line]) -> tuple[list[TocEntry], list[_Line]]:
    """Find a run of at least three dot-leader lines with rising page numbers: a TOC without a title."""
    run: list[int] = []
    for i, line in enumerate(lines + [_Line("", None)]):
        parsed = parse_toc_line(line.text) if re.search(r"(?:\.\s?){3,}|…", line.text) else None
        if parsed is not None and parsed[1] is not None:
            run.append(i)
            continue
        if not line.text.strip() and run:
            continue
        if len(run) >= 3:
            pages = [parse_toc_line(lines[k].text)[1] for k in run]  # type: ignore[index]
            if all(a <= b for a, b in zip(pages, pages[1:], strict=False)):
                items = [(*parse_toc_line(lines[k].text), None) for k in run]  # type: ignore[misc]
                used = set(run)
                return toc_levels(items), [line for k, line in enumerate(lines) if k not in used]
        run = []
    return [], lines


def _drop_running_headers(lines: list[_Line]) -> tuple[list[_Line], list[str]]:
    """Drop short lines repeated at page gaps (a logo or running header such as "FINSPÅNG")."""
    gaps: dict[str, list[int]] = {}
    blank = 0
    for line in lines:
        text = line.text.strip()
        if not text:
            blank += 1
            continue
        key = strip_inline(text)
        if (
            len(key.split()) <= RUNNING_HEADER_MAX_WORDS
            and len(key) <= 60
            and not key.endswith(":")
            and "\t" not in text
            and not _is_pipe_row(text)
            and not _BULLET.match(text)
            and not _ATX.match(text)
        ):
            gaps.setdefault(key, []).append(blank)
        blank = 0
    furniture = {
        key
        for key, before in gaps.items()
        if len(before) >= RUNNING_HEADER_MIN and sum(b >= 2 for b in before) >= 2
    }
    if not furniture:
        return lines, []
    log.debug("running headers dropped: %s", sorted(furniture))
    kept = [line for line in lines if strip_inline(line.text.strip()) not in furniture]
    return kept, [key for key in gaps if key in furniture]


_QUOTE = re.compile(r"^ {0,3}>(?: ?>)* ?")


def _unquote(lines: list[_Line]) -> list[_Line]:
    """Remove markdown block-quote markers ("> "): a conversion quotes boxed text; the words are content."""
    for line in lines:
        if line.text.lstrip().startswith(">"):
            line.text = _QUOTE.sub("", line.text)
    return lines


def _read_cell_boxes(lines: list[_Line]) -> list[_Line]:
    """Rewrite pipe rows whose cells hold <br> lines (see ingest.textforms.read_pipe_row).

    A text box (one cell of several lines) becomes lines of text between blank lines, its line breaks kept;
    parallel columns become one row per line; a doubled cell is read once.
    """
    out: list[_Line] = []
    for line in lines:
        cells = pipe_cells(line.text) if "|" in line.text and not _PIPE_SEPARATOR.match(line.text) else None
        if not _HTML_BREAK.search(line.text):
            out.append(line)
            continue
        if cells is None:  # a line break inside a paragraph's line
            parts = [part for part in _HTML_BREAK.split(line.text) if part.strip()]
            out.extend(_Line(part, line.page, hard=i > 0) for i, part in enumerate(parts))
            continue
        read = read_pipe_row(cells)
        if read.lines is not None:
            out.append(_Line("", line.page))
            out.extend(_Line(text, line.page, hard=True) for text in read.lines)
            out.append(_Line("", line.page))
            continue
        for row in read.rows:
            out.append(_Line("|" + "|".join("<br>".join(cell) for cell in row) + "|", line.page))
    return out


_FURNITURE_MAX_WORDS = 12
_FURNITURE_MAX_CHARS = 100


def _furniture_parts(line: _Line) -> list[str] | None:
    """The texts of a line that the page-furniture finder compares, or None if it cannot be furniture."""
    text = line.text.strip()
    cells = pipe_cells(text)
    if cells is not None:
        texts = [strip_inline(part) for cell in cells for part in cell_lines(cell)]
        return texts if any(not is_numberish(t) for t in texts) and "§" not in text else None
    if _ATX.match(text) or _BULLET.match(text) or _ENUM.match(text) or "§" in text:
        return None  # headings, list items and agenda items ("§ 12") are content even when repeated
    key = strip_inline(text)
    if len(key) > _FURNITURE_MAX_CHARS or len(key.split()) > _FURNITURE_MAX_WORDS:
        return None
    return [key]


def _is_pipe_separator(text: str) -> bool:
    return "|" in text and bool(_PIPE_SEPARATOR.match(text))


def _drop_page_furniture(lines: list[_Line]) -> tuple[list[_Line], list[str]]:
    """Drop the headers and footers repeated on every page; in text without pages, number the pages too.

    Text with pages (form feeds, page markers): the lines repeated at the pages' edges
    (ingest.textforms.find_edge_furniture). Text without: the lines repeated in runs at page breaks, which
    also give the page numbers (ingest.textforms.find_page_furniture).
    """
    blank = [not line.text.strip() or _is_pipe_separator(line.text) for line in lines]
    parts = [None if empty else _furniture_parts(line) for line, empty in zip(lines, blank, strict=True)]
    following: int | None = None  # a table row with a row below it is a table's (header) row, not furniture
    for i in range(len(lines) - 1, -1, -1):
        if blank[i]:
            continue
        if following is not None and _is_pipe_row(lines[i].text) and _is_pipe_row(lines[following].text):
            parts[i] = None
        following = i
    if any(line.page is not None for line in lines):
        found = find_edge_furniture(parts, blank, [line.page for line in lines])
    else:
        found = find_page_furniture(parts, blank)
    if not found.drop:
        return lines, []
    log.debug("page furniture dropped: %s", found.furniture)
    kept: list[_Line] = []
    for i, line in enumerate(lines):
        if found.pages is not None:
            line.page = found.pages[i]
        if i in found.drop:
            line = _Line("", line.page)
        kept.append(line)
    return kept, found.furniture


LAYOUT_MIN_GAP_LINES = 3


def _read_layout_columns(lines: list[_Line]) -> list[_Line]:
    """In layout-preserving text (pdftotext -layout), turn lines set in columns into table rows.

    A text is read so when at least LAYOUT_MIN_GAP_LINES lines hold a column gap (three or more spaces
    between words). Each block of consecutive lines on one page that holds a gap is split into columns
    (ingest.textforms.layout_rows); its rows are written as pipe rows, its other lines stay text.
    """
    gaps = sum(1 for line in lines if "\t" not in line.text and has_column_gap(line.text))
    if gaps < LAYOUT_MIN_GAP_LINES:
        return lines
    columns: dict[int | None, list[int]] = {}
    for line in lines:
        columns.setdefault(line.page, [])
    for page in columns:
        columns[page] = page_columns([line.text.rstrip() for line in lines if line.page == page])
    out: list[_Line] = []
    block: list[_Line] = []
    for line in lines:
        if block and (not line.text.strip() or line.page != block[-1].page):
            out.extend(_layout_block(block, columns[block[0].page]))
            block = []
        if line.text.strip():
            block.append(line)
        else:
            out.append(line)
    out.extend(_layout_block(block, columns[block[0].page] if block else []))
    return out


def _layout_block(block: list[_Line], columns: list[int]) -> list[_Line]:
    if not any(has_column_gap(line.text) for line in block) or any(_is_pipe_row(line.text) for line in block):
        return block
    rows = layout_rows([line.text.rstrip() for line in block], columns)
    table = [(line, cells) for line, cells in zip(block, rows, strict=True) if cells is not None]
    out = [line for line, cells in zip(block, rows, strict=True) if cells is None]
    if is_prose_columns([cells for _, cells in table]):
        # Running text set in columns: read each column top to bottom, the left one first.
        for column in range(len(table[0][1])):
            out.append(_Line("", block[0].page))
            out.extend(_Line(cells[column], line.page) for line, cells in table if cells[column])
        return out
    for line, cells in table:
        row = "|".join(cell.replace("|", "\\|") for cell in cells)
        out.append(_Line(f"|{row}|", line.page))
    return out


def _is_pipe_row(text: str) -> bool:
    return pipe_cells(text.strip()) is not None


def _drop_page_labels(lines: list[_Line]) -> list[_Line]:
    """Drop lines that are only a page column's label ("Sida" above a table of contents' page numbers)."""
    return [line for line in lines if not is_page_label(strip_inline(line.text.strip()))]


def _chunks(lines: list[_Line]) -> list[list[_Line]]:
    """Group lines into runs separated by blank lines, recording the gap before each run."""
    chunks: list[list[_Line]] = []
    current: list[_Line] = []
    blank = 0
    for line in lines:
        if not line.text.strip():
            if current:
                chunks.append(current)
                current = []
            blank += 1
            continue
        line.gap = blank if not current else 0
        blank = 0
        current.append(line)
    if current:
        chunks.append(current)
    return chunks


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines into one text: hyphenated breaks keep the hyphen, other breaks become a space."""
    text = ""
    for part in parts:
        part = re.sub(r"[ ]{2,}", " ", part.strip())
        if not part:
            continue
        if not text:
            text = part
        elif text.endswith("-") and len(text) > 1 and text[-2].isalpha() and part[:1].islower():
            first_word = part.split()[0].strip(",.")
            text = f"{text} {part}" if first_word in _CONJUNCTIONS else f"{text}{part}"
        else:
            text = f"{text} {part}"
    return text


def _join_paragraph(lines: list[_Line]) -> str:
    """Join a paragraph's lines; the kept line breaks of a text box stay line breaks (see join_cell_lines)."""
    if not any(line.hard for line in lines):
        return join_lines([line.text for line in lines])
    text = ""
    for line in lines:
        part = re.sub(r"[ ]{2,}", " ", line.text.strip())
        if not part:
            continue
        text = join_cell_lines([text, part]) if text and line.hard else join_lines([text, part])
    return text


def _pipe_row_cells(raw_cells: list[str]) -> list[str]:
    """The cells of a pipe row, inline markdown removed; a cell's <br> lines joined by join_cell_lines."""
    return [join_cell_lines([strip_inline(line) for line in cell_lines(cell)]) for cell in raw_cells]


_BOLD_CELL = re.compile(r"^\s*(\*\*|__)[^*_].*\1\s*$")
# Years and terms head columns ("2024", "2023/24", "HT24"); other numbers are data.
_LABEL_NUMBER = re.compile(r"^(?:\d{4}(?:[-–/]\d{2,4})?|[VvHh][Tt]\s?\d{2,4})$")


def _pipe_header(raw: str) -> bool:
    """Return whether the first row of a pipe table is a header: bold cells, or short column labels."""
    raw_cells = [cell for cell in pipe_cells(raw) or [] if cell.strip()]
    if not raw_cells or any(re.search(r"<br\s*/?>", cell, re.IGNORECASE) for cell in raw_cells):
        return False
    if all(_BOLD_CELL.match(cell) for cell in raw_cells):
        return True
    cells = [strip_inline(cell.strip()) for cell in raw_cells]
    if all(is_header_cell(cell) for cell in cells):
        return True
    return len(cells) >= 2 and all(
        len(cell.split()) <= 4
        and not cell.endswith(".")
        and "§" not in cell
        and all(_LABEL_NUMBER.match(word) for word in re.findall(r"\S*\d\S*", cell))
        for cell in cells
    )


def _cells(text: str) -> list[str]:
    content = text.strip(" \n")
    content = re.sub(r"\t{2,}", "\t", content)
    return [strip_inline(cell.strip()) for cell in content.split("\t")]


class _ChunkReader:
    """Turn one chunk (lines between blank lines) into drafts."""

    def __init__(self, markdown: bool, unwrapped: bool = False):
        self.markdown = markdown
        self.unwrapped = unwrapped
        self.drafts: list[_Draft] = []
        self.paragraph: list[_Line] = []
        self.item: tuple[_Draft, list[str]] | None = None
        self.indents: list[int] = []

    def flush(self, alone: bool = False) -> None:
        if self.paragraph:
            raw = _join_paragraph(self.paragraph)
            text = strip_furniture(strip_inline(raw)) if raw else ""
            if any(ch.isalnum() for ch in text):  # a lone bullet glyph or dash is not a paragraph
                draft = _Draft(BlockKind.PARAGRAPH, text, self.paragraph[0].page, raw=raw, alone=alone)
                draft.columns = any(has_column_gap(line.text) for line in self.paragraph)
                draft.lines = len(self.paragraph)
                self.drafts.append(draft)
            self.paragraph = []
        if self.item:
            draft, parts = self.item
            draft.raw = join_lines(parts)
            draft.text = strip_inline(draft.raw)
            if draft.text:
                self.drafts.append(draft)
            self.item = None

    def _depth(self, indent: int) -> int:
        while self.indents and indent < self.indents[-1]:
            self.indents.pop()
        if not self.indents or indent > self.indents[-1]:
            self.indents.append(indent)
        return len(self.indents) - 1

    def _start_item(self, line: _Line, marker: str, rest: str, indent: int) -> None:
        self.flush()
        inner = _ENUM.match(rest)
        if inner:
            marker, rest = inner.group("marker"), inner.group("rest")  # "- a) text": the enumerator counts
        elif (bullet := _BULLET.match(rest)) and bullet.group("marker") in "✓✔➢➤►•▪":
            marker, rest = bullet.group("marker"), bullet.group("rest")  # "- ✓ text"
        draft = _Draft(BlockKind.LIST_ITEM, "", line.page, marker=marker, depth=self._depth(indent))
        self.item = (draft, [rest])

    def read(self, chunk: list[_Line]) -> list[_Draft]:
        for line in chunk:
            text = line.text.rstrip("\n")
            stripped = text.strip()
            if self.markdown and (atx := _ATX.match(text)) and (atx.group(2) or "").strip():
                self.flush()
                raw = atx.group(2).strip()
                self.drafts.append(
                    _Draft(
                        BlockKind.HEADING,
                        strip_inline(raw),
                        line.page,
                        raw=raw,
                        style="atx",
                        level=len(atx.group(1)),
                    )
                )
                continue
            if _RULE.match(text) and not self.paragraph:
                self.flush()
                continue
            setext = _SETEXT.match(text)
            if self.markdown and setext and self.paragraph and not self.item and len(self.paragraph) <= 2:
                raw = join_lines([p.text for p in self.paragraph])
                page = self.paragraph[0].page
                self.paragraph = []
                level = 1 if setext.group(1).startswith("=") else 2
                self.drafts.append(
                    _Draft(BlockKind.HEADING, strip_inline(raw), page, raw=raw, style="setext", level=level)
                )
                continue
            if "|" in text and _PIPE_SEPARATOR.match(text):
                # The separator under a pipe table's first row; that row is a header only if it reads as one
                # (a conversion from PDF writes the first row of data there when the table has no header).
                if self.drafts and self.drafts[-1].kind is BlockKind.TABLE_ROW:
                    self.drafts[-1].header = _pipe_header(self.drafts[-1].raw)
                continue
            raw_cells = pipe_cells(text)
            pipe = raw_cells is not None
            cells = _pipe_row_cells(raw_cells) if raw_cells is not None else _cells(text)
            if pipe or ("\t" in text.lstrip().rstrip(" ") and len(cells) >= 2 and any(cells)):
                self.flush()
                row = _Draft(BlockKind.TABLE_ROW, CELL_SEPARATOR.join(cells), line.page, raw=stripped)
                row.cells, row.gap = cells, line.gap
                self.drafts.append(row)
                continue
            bullet = _BULLET.match(text)
            enum = _ENUM.match(text)
            if bullet and not _BOLD_ONLY.match(text):
                self._start_item(
                    line, bullet.group("marker"), bullet.group("rest"), _indent_width(bullet["indent"])
                )
                continue
            if enum:
                self._start_item(
                    line, enum.group("marker"), enum.group("rest"), _indent_width(enum["indent"])
                )
                continue
            if self.item:
                self.item[1].append(stripped)
                continue
            if (
                self.unwrapped
                and self.paragraph
                and not line.hard
                and _breaks_after(self.paragraph[-1].text, stripped)
            ):
                self.flush(alone=True)
            self.paragraph.append(line)
        self.flush(alone=self.unwrapped)
        return self.drafts


# --- headings


def _letters_share(text: str) -> float:
    chars = [ch for ch in text if not ch.isspace()]
    return sum(ch.isalpha() for ch in chars) / len(chars) if chars else 0.0


def _is_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _heading_style(draft: _Draft, previous: _Draft | None, atx_mode: bool, toc: list[TocEntry]) -> str | None:
    """Decide whether a paragraph that stands alone between blank lines is a heading, and of what style."""
    text = draft.text.strip()
    if not text or len(text) > 220 or draft.lines > 3 or draft.columns:
        return None
    if toc and (entry := match_toc_entry(text, toc)) is not None:
        draft.toc = entry
        return "toc"
    if _BOLD_ONLY.match(draft.raw) and len(text) <= MAX_HEADING_CHARS and not text.endswith((".", ",", ";")):
        return "bold"
    if atx_mode:
        return None
    if previous is not None and previous.kind is BlockKind.PARAGRAPH and previous.text.rstrip().endswith(":"):
        return None  # the line a lead-in introduces
    words = text.split()
    if len(text) > MAX_HEADING_CHARS or len(words) > MAX_HEADING_WORDS or draft.lines > 2:
        return None
    if _letters_share(text) < 0.5 or re.search(r"https?:|www\.|@", text):
        return None
    first = text[0]
    numbered = numbering_level(text)
    if not (first.isupper() or (numbered and re.match(r"^\d+\.\d", text)) or first in '"”«'):
        return None
    if text.endswith(":"):
        return "label" if len(words) <= MAX_LABEL_WORDS else None
    if text.endswith((".", ",", ";", "!", "-", "–", "…")) or (text.endswith("?") and len(words) > 10):
        return None
    if ": " in text or (" – " in text and len(words) > 10):
        return None
    if numbered and re.match(r"^\d+\.\d", text):
        return "numbered"
    return "caps" if _is_caps(text) else "title"


def _assign_levels(drafts: list[_Draft], toc: list[TocEntry], atx_mode: bool) -> None:
    """Give every heading a level from the TOC, its markup, its numbering or its style."""
    caps_used = any(d.style == "caps" for d in drafts if d.kind is BlockKind.HEADING)
    last_toc: int | None = None
    anchor = 0  # the level of the last heading with explicit structure (markup, TOC, numbering)
    structural = 0  # the level of the last heading that is not a label
    for draft in drafts:
        if draft.kind is not BlockKind.HEADING:
            continue
        style = draft.style
        if style in ("atx", "setext"):
            level = draft.level or 1
            anchor = level
        elif style == "toc" and draft.toc is not None:
            level = last_toc = anchor = draft.toc.level
        elif style == "numbered":
            level = anchor = numbering_level(draft.text) or 1
        elif style == "label":
            level = structural + 1
        elif atx_mode:
            level = anchor + 1
        elif toc:
            level = (last_toc or 0) + 1
        else:
            level = 1 if style == "caps" or not caps_used else 2
        draft.level = max(1, min(level, MAX_LEVEL))
        if style != "label":
            structural = draft.level


def _mark_headings(drafts: list[_Draft], toc: list[TocEntry], atx_mode: bool) -> None:
    for i, draft in enumerate(drafts):
        if draft.kind is BlockKind.LIST_ITEM and toc and draft.alone:
            full = f"{draft.marker} {draft.text}"
            if (entry := match_toc_entry(full, toc)) is not None and entry.title[:1].isdigit():
                draft.kind, draft.text, draft.style, draft.toc, draft.marker = (
                    BlockKind.HEADING,
                    full,
                    "toc",
                    entry,
                    None,
                )
            continue
        if draft.kind is not BlockKind.PARAGRAPH or not draft.alone:
            continue
        style = _heading_style(draft, drafts[i - 1] if i else None, atx_mode, toc)
        if style is not None:
            draft.kind, draft.style = BlockKind.HEADING, style
    # A layout heading with nothing after it is not a heading (a closing line, a name).
    for draft in reversed(drafts):
        if draft.kind is not BlockKind.HEADING:
            break
        if draft.style in ("caps", "title", "label", "bold"):
            draft.kind, draft.style = BlockKind.PARAGRAPH, None


def _join_split_headings(drafts: list[_Draft], toc: list[TocEntry]) -> list[_Draft]:
    """Join a TOC heading split over two paragraphs ("Utvecklingspedagoger ... samt" + "förstelärare ...")."""
    out: list[_Draft] = []
    for draft in drafts:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.style == "toc"
            and previous.toc is not None
            and draft.kind is BlockKind.PARAGRAPH
            and draft.alone
            and draft.text[:1].islower()
        ):
            joined = f"{previous.text} {draft.text}"
            if match_toc_entry(joined, toc) is previous.toc and len(joined) <= len(previous.toc.title) + 5:
                previous.text = joined
                continue
        out.append(draft)
    return out


# --- tables


def _continues_row(previous: _Draft, row: _Draft) -> bool:
    """Whether a table row is the wrapped rest of the row above it (a conversion wrote each line as a row).

    Either the row's first cell is empty and its first text goes on from the cell above it (in lower case,
    with a number, or after a hyphen or comma; a page number may stand beside it), or the row above holds
    a lone "§" whose number this row holds.
    """
    above, cells = previous.cells or [], row.cells or []
    if len(above) != len(cells) or not above or not cells or not above[0]:
        return False
    if above[0] == "§" and re.fullmatch(r"\d{1,4}", cells[0]):
        return all(not cell or above[i] for i, cell in enumerate(cells[1:], start=1))
    filled = [i for i, cell in enumerate(cells) if cell]
    if cells[0] or not filled or not above[filled[0]]:
        return False
    first = cells[filled[0]]
    return first[:1].islower() or first[:1].isdigit() or above[filled[0]].endswith(("-", ","))


def _join_wrapped_rows(drafts: list[_Draft]) -> list[_Draft]:
    """Join pipe-table rows that continue the row above them (see _continues_row) into that row."""
    out: list[_Draft] = []
    for draft in drafts:
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.kind is BlockKind.TABLE_ROW
            and draft.kind is BlockKind.TABLE_ROW
            and draft.gap == 0
            and _PIPE_ROW.match(previous.raw)
            and _PIPE_ROW.match(draft.raw)
            and _continues_row(previous, draft)
        ):
            cells = [
                join_lines([a, b]) if a and b else a or b
                for a, b in zip(previous.cells or [], draft.cells or [], strict=True)
            ]
            if previous.cells and previous.cells[0] == "§":
                cells[0] = f"§ {draft.cells[0]}"  # type: ignore[index]
            previous.cells, previous.text = cells, CELL_SEPARATOR.join(cells)
            continue
        out.append(draft)
    return out


def _header_cells(cells: list[str]) -> bool:
    """Return whether cells read as column headers: header words, beside years or terms ("Mål | 2024")."""
    labels = [cell for cell in cells if not _LABEL_NUMBER.match(cell)]
    return bool(labels) and all(is_header_cell(cell) for cell in labels)


def _assign_tables(drafts: list[_Draft]) -> None:
    """Number the tables (consecutive rows; a header row starts a new table) and mark header rows."""
    repeated: dict[str, int] = {}  # a row repeated in several tables is their header
    for draft in drafts:
        if draft.kind is BlockKind.TABLE_ROW and draft.cells:
            repeated[draft.text] = repeated.get(draft.text, 0) + 1
    table = -1
    previous_row = False
    rows_in_table = 0
    for draft in drafts:
        if draft.kind is not BlockKind.TABLE_ROW:
            previous_row = False
            continue
        cells = [c for c in (draft.cells or []) if c]
        headerish = (
            len(cells) >= 2
            and all(len(c.split()) <= 6 and not c.endswith(".") for c in cells)
            and (_header_cells(cells) or repeated.get(draft.text, 0) >= 2)
        )
        # A blank line ends a table; a page gap (2+ blank lines, perhaps around a running header) does not.
        if not previous_row or draft.gap == 1 or (rows_in_table > 0 and (headerish or draft.header)):
            table += 1
            rows_in_table = 0
        if rows_in_table == 0 and headerish:
            draft.header = True
        elif rows_in_table > 0 and not _PIPE_ROW.match(draft.raw):
            draft.header = False
        previous_row = True
        rows_in_table += 1
        draft.table = table


# --- the parser


def _is_unwrapped(lines: list[_Line]) -> bool:
    """Return whether lines are whole paragraphs (not wrapped at a fixed width): several are very long, and
    most of those end a sentence (a text wrapped at a wide width breaks its long lines mid-sentence)."""
    long = [
        text
        for line in lines
        if len(text := re.sub(r"\s+", " ", line.text.strip())) > UNWRAPPED_LINE
        and "\t" not in line.text
        and not _is_pipe_row(text)
    ]
    ended = sum(1 for text in long if text.endswith((".", "!", "?", ":", ";", ")", "”", '"')))
    return len(long) >= 3 and ended >= UNWRAPPED_ENDED_SHARE * len(long)


def _breaks_after(previous: str, line: str) -> bool:
    """In a text whose lines are paragraphs, return whether a paragraph ends between two lines."""
    if previous.endswith("  ") or previous.rstrip().endswith("\\"):
        return False  # a markdown hard line break inside a paragraph
    previous = previous.strip()
    if previous.endswith((".", "!", "?", ":", ";")):
        return True
    if line[:1].islower() or previous.endswith((",", "-")) or previous.split()[-1] in _CONJUNCTIONS:
        return False  # the sentence goes on: a paragraph's first line is never a heading of its own
    if len(previous) > SHORT_LINE:
        return True
    if len(line) > SHORT_LINE or _is_caps(previous) != _is_caps(line):
        return True
    return line.endswith((".", "!", "?")) and len(line.split()) >= 4  # a sentence after a short title line


def _is_markdown(lines: list[_Line], markdown: bool) -> bool:
    """Return whether the text marks its headings with '#' (then plain lines are not taken for headings)."""
    atx = sum(1 for line in lines if (m := _ATX.match(line.text)) and (m.group(2) or "").strip())
    return atx >= 2 or (markdown and atx >= 1)


def _to_blocks(drafts: list[_Draft]) -> list[Block]:
    blocks = []
    for draft in drafts:
        block = Block(draft.kind, draft.text, draft.page)
        if draft.kind is BlockKind.HEADING:
            block.level = draft.level or 1
        elif draft.kind is BlockKind.LIST_ITEM:
            block.marker = draft.marker
            block.level = draft.depth + 1
        elif draft.kind is BlockKind.TABLE_ROW:
            block.cells = draft.cells
            block.header = draft.header
            block.table = draft.table
        blocks.append(block)
    return blocks


def parse_text(raw: str, markdown: bool) -> Reading:
    """Parse decoded text into blocks in reading order, and warnings.

    Recognises markdown (whatever ``markdown`` says), headings of plain text (by layout, a table of contents
    or a lexicon of protocol headings), lists, tab-separated and pipe tables, page markers, running headers,
    and web transcripts of scanned protocols.
    """
    front_matter, raw = split_front_matter(normalise_newlines(raw))
    raw = drop_html_comments(raw)
    warnings: list[str] = []
    lines = _paginate(raw)
    lines, read_more = _drop_read_more(lines)
    if read_more:
        log.debug("dropped %d entries of a website's document list", read_more)
    if is_transcript([line.text for line in lines]):
        return parse_transcript([line.text for line in lines])
    lines = [line for line in lines if not is_web_junk(line.text) and not is_conversion_note(line.text)]
    atx_mode = _is_markdown(lines, markdown)
    use_markdown = atx_mode or markdown or any(_SETEXT.match(line.text) for line in lines)
    if use_markdown:
        lines = _unquote(lines)
    lines = _read_cell_boxes(lines)
    if not markdown and not atx_mode:
        lines = _read_layout_columns(lines)
    lines, furniture = _drop_page_furniture(lines)
    lines = _drop_page_labels(lines)
    toc, lines = _extract_toc(lines)
    if not furniture:  # the older rule: short lines repeated after page gaps (a logo such as "FINSPÅNG")
        lines, furniture = _drop_running_headers(lines)
    unwrapped = _is_unwrapped(lines)
    drafts: list[_Draft] = []
    for chunk in _chunks(lines):
        chunk_drafts = _ChunkReader(use_markdown, unwrapped).read(chunk)
        if len(chunk_drafts) == 1:
            chunk_drafts[0].alone = True
        drafts.extend(chunk_drafts)
    _mark_headings(drafts, toc, atx_mode)
    drafts = _join_split_headings(drafts, toc)
    _assign_levels(drafts, toc, atx_mode)
    drafts = _join_wrapped_rows(drafts)
    _assign_tables(drafts)
    blocks = _to_blocks(drafts)
    if not blocks and raw.strip():
        warnings.append("no content was found in the text (only page furniture)")
    notes = []
    if front_matter:
        notes.append(f"front matter read as metadata hints ({', '.join(front_matter)}), not as text")
    return Reading(blocks, warnings, furniture, notes, front_matter=front_matter)
