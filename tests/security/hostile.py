"""Constructed hostile inputs for the security tests: PDFs written by hand, a store snapshot to compare.

Nothing here is downloaded or cut from a real document; every PDF is a few objects written out with a
correct cross-reference table.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
PAGE = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >>%s >>")


def make_pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; object 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(content: bytes) -> bytes:
    """A content stream object."""
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


ONE_PAGE_TREE = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def one_page(text: bytes = b"Verksamhetsplan for Norrby skola", pages: bytes = ONE_PAGE_TREE,
             extra: bytes = b"") -> bytes:
    """A one-page PDF with a line of text; ``pages`` is the page tree root, ``extra`` goes in the page."""
    content = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    return make_pdf([CATALOG, pages, PAGE % extra, stream(content), FONT])


def declares_millions_of_pages() -> bytes:
    """One page, while the page tree says ten million."""
    return one_page(pages=b"<< /Type /Pages /Kids [3 0 R] /Count 10000000 >>")


def million_page_references() -> bytes:
    """A page tree that lists the same page a million times (6 MB)."""
    kids = b"[" + b"3 0 R " * 1_000_000 + b"]"
    return one_page(pages=b"<< /Type /Pages /Kids " + kids + b" /Count 1000000 >>")


def nested_arrays(depth: int = 200_000) -> bytes:
    """A page holding an array nested 200,000 deep."""
    return one_page(extra=b" /Junk " + b"[" * depth + b"]" * depth)


def nested_dictionaries(depth: int = 100_000) -> bytes:
    """A page holding a dictionary nested 100,000 deep."""
    return one_page(extra=b" /Junk " + b"<< /A " * depth + b"1" + b" >>" * depth)


def cyclic_page_tree() -> bytes:
    """A page tree whose node lists its own ancestor as a kid."""
    content = b"BT /F1 12 Tf 72 720 Td (Cykel) Tj ET"
    root = b"<< /Type /Pages /Kids [6 0 R 3 0 R] /Count 2 >>"
    loop = b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>"
    return make_pdf([CATALOG, root, PAGE % b"", stream(content), FONT, loop])


def deep_page_tree(depth: int = 50_000) -> bytes:
    """A page tree 50,000 levels deep above its one page."""
    objects = [CATALOG]
    for level in range(depth):
        number = 2 + level
        parent = b"/Parent %d 0 R " % (number - 1) if level else b""
        objects.append(b"<< /Type /Pages " + parent + b"/Kids [%d 0 R] /Count 1 >>" % (number + 1))
    page = 2 + depth
    objects.append(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                   b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (page - 1, page + 1, page + 2))
    objects.append(stream(b"BT /F1 12 Tf 72 720 Td (Djup) Tj ET"))
    objects.append(FONT)
    return make_pdf(objects)


def slow_page(operations: int = 400_000) -> bytes:
    """One page drawn by hundreds of thousands of text operations (seconds to read)."""
    content = b"BT /F1 1 Tf " + b"1 0 Td (a) Tj " * operations + b"ET"
    return make_pdf([CATALOG, ONE_PAGE_TREE, PAGE % b"", stream(content), FONT])


def flate_bomb(megabytes: int = 600) -> bytes:
    """A page whose compressed content stream (well under 1 MB) unpacks to ``megabytes`` of spaces."""
    import zlib

    content = b"BT /F1 12 Tf 72 720 Td (Bomb) Tj ET" + b" " * (megabytes * 1024 * 1024)
    packed = zlib.compress(content, 9)
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return make_pdf([CATALOG, ONE_PAGE_TREE, PAGE % b"", body, FONT])


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under a folder by relative path -> SHA-256 (the lock file left out)."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != ".lock"}


def all_files(folder: Path) -> set[str]:
    """Every file under a folder (to see that nothing was written beside it)."""
    return {str(path) for path in folder.rglob("*") if path.is_file()}
