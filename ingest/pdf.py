"""Read a PDF (the I/O edge): characters from pypdfium2, ruled tables from pdfplumber, layout in ingest.

Why two libraries: pypdfium2 gives every character with its box and font in a fraction of a millisecond per
page, which is what a national corpus needs; pdfplumber's table finder is the best tool for ruled tables, but
costs ~0.1 s a page, so it runs only on pages that have enough ruling lines to hold a table.
"""

from __future__ import annotations

import ctypes
import io
import logging
import re
import time

from ingest.layout import (
    Char,
    Line,
    PageContent,
    TableCell,
    TableFragment,
    body_size,
    build_lines,
    find_furniture,
    find_gutter,
    form_furniture,
    is_furniture,
    reading_order,
    structure_rows,
)
from ingest.model import IngestError, Reading
from ingest.pdfblocks import join_lines, to_blocks
from ingest.toc import TocEntry, is_toc_title, parse_toc_line, toc_levels

log = logging.getLogger(__name__)

# Pages with at least this many horizontal rules (and two vertical ones) are searched for ruled tables.
MIN_PATHS_FOR_TABLES = 3
_FONT_ITALIC_FLAG = 1 << 6


class RawPage:
    """What pypdfium2 gives for one page: size, characters, images, and horizontal rules (when ruled)."""

    def __init__(self, number: int, width: float, height: float, chars: list[Char], images: int, paths: int):
        self.number = number
        self.width = width
        self.height = height
        self.chars = chars
        self.images = images
        self.paths = paths


def open_pdf(data: bytes, path: str):
    """Open a PDF with pypdfium2; raise IngestError for encrypted, damaged or truncated files."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.casefold():
            raise IngestError(
                path, "the PDF is encrypted with a password; save an unprotected copy and add that"
            ) from None
        if "format" in message.casefold() or "file" in message.casefold():
            raise IngestError(path, "the PDF is damaged or truncated and cannot be read") from None
        raise IngestError(path, f"the PDF cannot be opened ({message})") from None


def effective_size(font_size: float, a: float, b: float, c: float, d: float) -> float:
    """Return the size a glyph is drawn at: the font size scaled by its text matrix.

    Many PDF writers set the font at size 1 and scale it with the text matrix (``1 Tf`` with ``12 0 0 12 x y
    Tm``); the nominal size is then 1 for every line, and only the matrix tells body text from headings.
    """
    scale = abs(a * d - b * c) ** 0.5
    return font_size * scale if scale > 0 else font_size


def read_chars(pdf) -> list[RawPage]:
    """Return every page's characters (top-down coordinates) with font size, weight and slant."""
    import pypdfium2.raw as raw

    pages: list[RawPage] = []
    rect = raw.FS_RECTF()
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    matrix = raw.FS_MATRIX()
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        handle = textpage.raw
        chars: list[Char] = []
        font_cache: dict[tuple[int | None, int], tuple[bool, bool]] = {}
        last_object: int | None = None
        style: tuple[float, bool, bool] | None = None
        for i in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(handle, i)
            if code == 2:
                code = 0x2D  # PDFium reports a hyphen at a line end as code 2
            elif code in (0, 0xFFFE, 0xFFFF) or code < 32:
                continue
            if not raw.FPDFText_GetLooseCharBox(handle, i, rect):
                continue
            raw.FPDFText_GetCharOrigin(handle, i, origin_x, origin_y)
            text_object = raw.FPDFText_GetTextObject(handle, i)
            object_key = ctypes.cast(text_object, ctypes.c_void_p).value
            if object_key != last_object or style is None:
                # Font properties are looked up once per text object, and once per font for the name.
                last_object = object_key
                size = raw.FPDFText_GetFontSize(handle, i)
                if raw.FPDFText_GetMatrix(handle, i, matrix):
                    size = effective_size(size, matrix.a, matrix.b, matrix.c, matrix.d)
                weight = raw.FPDFText_GetFontWeight(handle, i)
                font = raw.FPDFTextObj_GetFont(text_object)
                key = (ctypes.cast(font, ctypes.c_void_p).value, weight)
                font_style = font_cache.get(key)
                if font_style is None:
                    raw.FPDFText_GetFontInfo(handle, i, name, 128, flags)
                    font_name = name.value.decode("latin-1", "replace").casefold()
                    bold = weight >= 600 or "bold" in font_name
                    italic = (
                        bool(flags.value & _FONT_ITALIC_FLAG)
                        or "italic" in font_name
                        or "oblique" in font_name
                    )
                    font_style = (bold, italic)
                    font_cache[key] = font_style
                style = (round(size, 2), *font_style)
            chars.append(
                Char(
                    chr(code),
                    rect.left,
                    rect.right,
                    height - rect.top,
                    height - rect.bottom,
                    *style,
                    height - origin_y.value,
                )
            )
        images = horizontal = vertical = 0
        for obj in page.get_objects(max_depth=2):
            if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif obj.type == raw.FPDF_PAGEOBJ_PATH:
                left, bottom, right, top = obj.get_bounds()
                if top - bottom < 3 and right - left > 15:
                    horizontal += 1
                elif right - left < 3 and top - bottom > 8:
                    vertical += 1
        rules = horizontal if horizontal >= 3 and vertical >= 2 else 0
        pages.append(RawPage(index + 1, width, height, chars, images, rules))
    return pages


def find_tables(data: bytes, pages: list[RawPage]) -> dict[int, list[TableFragment]]:
    """Find ruled tables with pdfplumber, only on pages with enough ruling to hold one."""
    candidates = [p for p in pages if p.paths >= MIN_PATHS_FOR_TABLES and p.chars]
    if not candidates:
        return {}
    import pdfplumber

    found: dict[int, list[TableFragment]] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for raw_page in candidates:
            page = pdf.pages[raw_page.number - 1]
            fragments = []
            for table in page.find_tables():
                rows = [[TableCell(*cell) if cell else None for cell in row.cells] for row in table.rows]
                if len(rows) < 1 or max(len(row) for row in rows) < 2:
                    continue  # a framed box, not a table
                x0, top, x1, bottom = table.bbox
                fragments.append(TableFragment(raw_page.number, x0, top, x1, bottom, rows))
            if fragments:
                found[raw_page.number] = fragments
            page.close()
    return found


def _inside(char: Char, x0: float, top: float, x1: float, bottom: float) -> bool:
    cx, cy = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def fill_tables(raw_page: RawPage, fragments: list[TableFragment]) -> list[Char]:
    """Put each table cell's text into the cell; return the characters that lie outside every table."""
    outside: list[Char] = []
    for char in raw_page.chars:
        if not any(_inside(char, f.x0, f.top, f.x1, f.bottom) for f in fragments):
            outside.append(char)
    for fragment in fragments:
        fragment.bold_rows = []
        taken: set[int] = set()  # where cell boxes overlap, a character belongs to the first cell only
        for row in fragment.rows:
            row_bold = True
            for cell in row:
                if cell is None:
                    continue
                chars = [
                    c
                    for c in raw_page.chars
                    if id(c) not in taken and _inside(c, cell.x0, cell.top, cell.x1, cell.bottom)
                ]
                taken.update(id(c) for c in chars)
                lines = sorted(build_lines(chars, raw_page.number), key=lambda line: (line.top, line.x0))
                cell.text = join_lines([line.text for line in lines])
                if any(not line.bold for line in lines):
                    row_bold = False
            fragment.bold_rows.append(row_bold)
    return outside


_PAGE_NUMBER_ONLY = re.compile(r"^\W*(?:sida|page|s\.)?\s*\d+(?:\s*(?:av|of|/|\()\s*\d+\)?)?\W*$", re.I)
_LEADER = re.compile(r"(?:\s*[.…·]){3,}\s*")
_TOC_NUMBER_END = re.compile(r"(?:\.{2,}|…+|\s)\s*\d{1,4}\s*$")


def extract_toc(pages: list[tuple[RawPage, list[Line]]]) -> tuple[list[TocEntry], set[int]]:
    """Find the table of contents; return its entries (levels from indentation) and the ids of its lines."""
    items: list[tuple[str, int | None, float | None]] = []
    used: set[int] = set()
    for index, (_, lines) in enumerate(pages):
        ordered = sorted(lines, key=lambda line: (line.top, line.x0))
        start = next((i for i, line in enumerate(ordered) if is_toc_title(line.text)), None)
        if start is None:
            continue
        used.add(id(ordered[start]))
        collected = _collect_toc_lines(ordered[start + 1 :], items, used)
        # A TOC may run onto the following page(s).
        follow = index + 1
        while collected and follow < len(pages):
            next_lines = sorted(pages[follow][1], key=lambda line: (line.top, line.x0))
            head = [line for line in next_lines[:4]]
            if sum(1 for line in head if _TOC_NUMBER_END.search(line.text)) < 2:
                break
            collected = _collect_toc_lines(next_lines, items, used)
            follow += 1
        break
    return (toc_levels(items) if items else []), used


def _collect_toc_lines(
    lines: list[Line], items: list[tuple[str, int | None, float | None]], used: set[int]
) -> bool:
    """Append TOC entries from consecutive lines (joining wrapped entries); return whether any was found."""
    pending: list[Line] = []
    found = False
    for line in lines:
        if _TOC_NUMBER_END.search(line.text) or "...." in line.text:
            text = _LEADER.sub(" .... ", join_lines([p.text for p in pending] + [line.text]))
            parsed = parse_toc_line(re.sub(r"\s+", " ", text).strip())
            if parsed is None:
                break
            title, page = parsed
            x0 = pending[0].x0 if pending else line.x0
            items.append((title, page, x0))
            used.update(id(p) for p in [*pending, line])
            pending = []
            found = True
        elif len(pending) < 2 and len(line.text) < 120:
            pending.append(line)  # maybe the first line of a wrapped entry
        else:
            break
    return found


def parse_pdf(
    data: bytes, path: str, max_pages: int, timings: dict[str, float] | None = None
) -> Reading:
    """Parse PDF bytes into blocks; raise IngestError naming the file for anything unreadable.

    ``timings``, when given, receives the seconds spent on characters, tables and layout.
    """
    clock = time.perf_counter()
    pdf = open_pdf(data, path)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise IngestError(path, "the PDF has no pages")
        if n_pages > max_pages:
            raise IngestError(
                path, f"the PDF has {n_pages} pages, more than the limit of {max_pages} (STYRKEDJA_MAX_PAGES)"
            )
        raw_pages = read_chars(pdf)
    finally:
        pdf.close()
    warnings: list[str] = []
    stage_end = time.perf_counter()
    if timings is not None:
        timings["chars"] = stage_end - clock
    if not any(p.chars for p in raw_pages):
        if any(p.images for p in raw_pages):
            raise IngestError(path, "the PDF has no text layer (scanned images only); it needs OCR first")
        raise IngestError(path, "the PDF contains no text")
    image_only = [p.number for p in raw_pages if not p.chars and p.images]
    if image_only:
        warnings.append(f"pages {', '.join(map(str, image_only))} are images without text (OCR needed)")
    try:
        tables = find_tables(data, raw_pages)
    except Exception as error:  # a table finder failure costs the tables, not the document
        log.warning("%s: table detection failed (%s); reading tables as text", path, error)
        warnings.append(f"table detection failed ({type(error).__name__}); tables read as text")
        tables = {}
    if timings is not None:
        timings["tables"] = time.perf_counter() - stage_end
    stage_end = time.perf_counter()
    page_lines: list[tuple[RawPage, list[Line]]] = []
    gutters: dict[int, float | None] = {}
    for raw_page in raw_pages:
        fragments = tables.get(raw_page.number, [])
        chars = fill_tables(raw_page, fragments) if fragments else raw_page.chars
        gutter = find_gutter(chars, raw_page.height)
        gutters[raw_page.number] = gutter
        page_lines.append((raw_page, build_lines(chars, raw_page.number, gutter)))
    furniture = find_furniture([(raw.height, lines) for raw, lines in page_lines])
    body = body_size([line for _, lines in page_lines for line in lines])
    removed: dict[str, None] = {}
    kept_lines: list[tuple[RawPage, list[Line]]] = []
    for raw_page, lines in page_lines:
        kept = []
        on_form = form_furniture(lines, raw_page.height, body)
        for line in lines:
            if id(line) in on_form or is_furniture(line, raw_page.height, furniture):
                if not _PAGE_NUMBER_ONLY.match(line.text):
                    removed.setdefault(line.text)
            else:
                kept.append(line)
        kept_lines.append((raw_page, kept))
    page_lines = kept_lines
    toc, toc_lines = extract_toc(page_lines)
    contents: list[PageContent] = []
    for raw_page, lines in page_lines:
        body_lines = [line for line in lines if id(line) not in toc_lines]
        body_lines, row_tables = structure_rows(body_lines, gutters[raw_page.number])
        page_tables = tables.get(raw_page.number, []) + row_tables
        items = reading_order(body_lines, page_tables, gutters[raw_page.number])
        contents.append(
            PageContent(raw_page.number, raw_page.width, raw_page.height, items, raw_page.images > 0)
        )
    blocks = to_blocks(contents, toc)
    if timings is not None:
        timings["layout"] = time.perf_counter() - stage_end
    return Reading(blocks, warnings, list(removed))
