"""The parsed form of one source document: metadata, pages and a tree of blocks.

Every reader (PDF, plain text, markdown) produces a :class:`ParsedDocument`. Its ``text`` is the cleaned body
of the document (running headers, footers, page numbers, tables of contents and web-page furniture removed);
every block knows its page and its character span in ``text``, so later stages can quote and cite it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

# The most pages a PDF may have before it is refused (STYRKEDJA_MAX_PAGES); here, not in ingest.reader, so
# the command line can show the default without importing the readers.
DEFAULT_MAX_PAGES = 500


class BlockKind(StrEnum):
    """What a block is."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    TABLE_ROW = "table_row"


# Separator between the cells of a table row in the document text (as in tab-separated text).
CELL_SEPARATOR = "\t"
# Separator between blocks in the document text.
BLOCK_SEPARATOR = "\n\n"


@dataclass
class Block:
    """One unit of the document body, in reading order."""

    kind: BlockKind
    text: str
    page: int | None  # 1-based page number; None for texts without pages
    char_start: int = 0  # span in ParsedDocument.text
    char_end: int = 0
    level: int | None = None  # headings: 1 = top level
    marker: str | None = None  # list items: the bullet or number as written ("a)", "1.", "•")
    cells: list[str] | None = None  # table rows: the cells, left to right
    table: int | None = None  # table rows: the logical table this row belongs to (0, 1, ...)
    header: bool = False  # table rows: the table's header row
    section: list[str] = field(default_factory=list)  # headings above this block, outermost first


@dataclass
class Page:
    """One page of the source: its number and its span in the document text."""

    number: int
    char_start: int
    char_end: int


@dataclass
class DateMention:
    """A date or period found in the document, as written and normalised."""

    text: str  # as written: "VT23", "den 13 juni 2014", "2023–2026"
    kind: str  # "date" | "period" | "term" | "school_year" | "month"
    start: str | None  # ISO date of the first day
    end: str | None  # ISO date of the last day
    char_start: int | None = None
    char_end: int | None = None


@dataclass
class DocumentMetadata:
    """What is known about a document as a whole (from the manifest, or inferred from its text)."""

    title: str | None = None
    organisation: str | None = None  # "Finspångs kommun", "Skaraborgs kommunalförbund"
    body: str | None = None  # issuing nämnd, sektor or nätverk
    kind: str | None = None  # document type notation, see ingest.metadata.DOCUMENT_KINDS
    date: str | None = None  # ISO date of decision or meeting
    period: str | None = None  # as written: "2022/2023", "2023–2026"
    source: str | None = None  # where the file came from (manifest)
    inferred: list[str] = field(default_factory=list)  # names of the fields inferred from the text


@dataclass
class Reading:
    """What a format reader returns: blocks in reading order, warnings, and the page furniture it removed."""

    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    # Running headers, footers and letterheads taken out of the content (distinct, first seen first). They
    # are not content, but often name the organisation and the document kind: metadata inference reads them.
    furniture: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the reader read it ("read as a web transcript")
    # Fields of a text's YAML front matter ("namnd", "datum"): hints for metadata inference, never body text.
    front_matter: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedDocument:
    """A source file as the reader saw it."""

    source_file: str  # base name of the file
    media_type: str  # "application/pdf", "text/plain", "text/markdown"
    sha256: str  # content hash of the file's bytes
    text: str
    pages: list[Page]
    blocks: list[Block]
    metadata: DocumentMetadata = field(default_factory=DocumentMetadata)
    dates: list[DateMention] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)  # removed running headers/footers/letterheads
    notes: list[str] = field(default_factory=list)  # how the reader read it (not problems)
    front_matter: dict[str, str] = field(default_factory=dict)  # a text's YAML front matter (metadata hints)

    def page_at(self, offset: int) -> int | None:
        """Return the 1-based page that holds a character offset of the text, or None."""
        for page in self.pages:
            if page.char_start <= offset < page.char_end or (page.char_start == offset == page.char_end):
                return page.number
        return self.pages[-1].number if self.pages and offset >= self.pages[-1].char_end else None

    def to_dict(self) -> dict:
        """Return the document as plain JSON-serialisable data."""
        return asdict(self)


class IngestError(Exception):
    """A file that cannot be read; the message names the file and the problem in one sentence."""

    def __init__(self, path: str, problem: str):
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def assemble(blocks: list[Block]) -> tuple[str, list[Page]]:
    """Join blocks into the document text, setting each block's span; return the text and its pages.

    Blocks must be in reading order. Pages span from their first block to their last; a page with no
    block gets an empty span where it would start.
    """
    parts: list[str] = []
    offset = 0
    for i, block in enumerate(blocks):
        if i:
            parts.append(BLOCK_SEPARATOR)
            offset += len(BLOCK_SEPARATOR)
        block.char_start = offset
        parts.append(block.text)
        offset += len(block.text)
        block.char_end = offset
    text = "".join(parts)
    pages: dict[int, Page] = {}
    for block in blocks:
        if block.page is None:
            continue
        page = pages.get(block.page)
        if page is None:
            pages[block.page] = Page(block.page, block.char_start, block.char_end)
        else:
            page.char_end = block.char_end
    return text, [pages[n] for n in sorted(pages)]


def assign_sections(blocks: list[Block]) -> None:
    """Set each block's ``section`` to the chain of headings above it (by heading level)."""
    stack: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            level = block.level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            block.section = [title for _, title in stack]
            stack.append((level, block.text))
        else:
            block.section = [title for _, title in stack]


@dataclass
class Section:
    """A heading with the blocks and subsections under it (the tree view of a document)."""

    heading: Block | None
    children: list[Block | Section] = field(default_factory=list)


def block_tree(blocks: list[Block]) -> Section:
    """Nest the flat block list under its headings; the root section has no heading."""
    root = Section(None)
    stack: list[tuple[int, Section]] = [(0, root)]
    for block in blocks:
        if block.kind is BlockKind.HEADING:
            level = block.level or 1
            while stack[-1][0] >= level:
                stack.pop()
            section = Section(block)
            stack[-1][1].children.append(section)
            stack.append((level, section))
        else:
            stack[-1][1].children.append(block)
    return root
