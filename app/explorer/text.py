"""Safe rendering of document text: Markdown escaping, highlighted answer spans, citations, DOT labels (pure).

Document text never reaches the page as HTML: Streamlit's Markdown already escapes HTML when
``unsafe_allow_html`` is off (it always is here), and :func:`escape_markdown` also neutralises Markdown and
Streamlit's own directives (``:red[...]``, ``:material/...:``, ``$...$``) so a document cannot style or link
anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Every ASCII punctuation character CommonMark lets a backslash escape, plus the ones Streamlit gives meaning.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'^%@/])")
HIGHLIGHT_OPEN = ":orange-background["
HIGHLIGHT_CLOSE = "]"


_LINE_BREAK = re.compile(r"[ \t]*\r?\n[ \t]*")


# GitHub-flavoured Markdown turns bare addresses into links even when escaped; a word joiner (U+2060,
# invisible) after the scheme, after "www" and before "@" keeps them plain text.
_AUTOLINKS = (
    (re.compile(r"(?i)\b(https?|ftp|mailto|file|javascript|data)(\\:)"), "\\1\u2060\\2"),
    (re.compile(r"(?i)\b(www)(\\\.)"), "\\1\u2060\\2"),
    (re.compile(r"(\\@)"), "\u2060\\1"),
)


def _escape(text: str) -> str:
    """Escape every special character; a line break stays a line break (never a new block or code)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\r\n", "\n").replace("\r", "\n"))
    for pattern, replacement in _AUTOLINKS:
        escaped = pattern.sub(replacement, escaped)
    return _LINE_BREAK.sub("  \n", escaped)


def escape_markdown(text: str) -> str:
    """Escape text so that Streamlit's Markdown shows it literally (no formatting, links, HTML or LaTeX)."""
    return _escape(text.strip())


def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Escaped Markdown of ``text`` with the given character spans marked (answer sentences)."""
    out: list[str] = []
    position = 0
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if start < position or start >= end:
            continue
        out.append(_escape(text[position:start]))
        # Each marked line separately: a directive does not span Markdown line breaks.
        marked = [escape_markdown(line) for line in text[start:end].split("\n")]
        out.append("  \n".join(f"{HIGHLIGHT_OPEN}**{line}**{HIGHLIGHT_CLOSE}" if line.strip() else line
                               for line in marked))
        position = end
    out.append(_escape(text[position:]))
    return "".join(out).strip()


def citation(source_file: str | None, page: int | None, section: str | None = None) -> str:
    """A plain-text citation: "002_finspang_verksamhetsplan.pdf, s. 6 · Mål › Strategier"."""
    parts = [source_file or "okänt dokument"]
    if page is not None:
        parts[0] += f", s. {page}"
    if section:
        parts.append(section)
    return " · ".join(parts)


def shorten(text: str | None, limit: int = 80) -> str:
    """Shorten text at a word boundary with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return (cut or text[:limit]) + "…"


def dot_string(text: str) -> str:
    """A DOT double-quoted string (quotes, backslashes and line breaks escaped)."""
    cleaned = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + cleaned.replace("\r", "").replace("\n", "\\n") + '"'


def wrap(text: str, width: int = 28, lines: int = 4) -> str:
    """Wrap text into at most ``lines`` lines of about ``width`` characters (for graph node labels)."""
    words = " ".join(text.split()).split(" ")
    out: list[str] = []
    current = ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1].rstrip(" ,.;:") + "…"
    return "\n".join(out)


_FORMULA = re.compile(r"^(?:[=+@\t\r]|-(?!\d))")


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading =, +, @, tab or - (not a number) gets a '."""
    text = "" if value is None else str(value)
    return "'" + text if _FORMULA.match(text) else text
