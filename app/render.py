"""Plain-text renderings of parsed documents for the command line."""

from __future__ import annotations

from ingest.model import Block, BlockKind, ParsedDocument, Section, block_tree


def render_parsed(doc: ParsedDocument) -> str:
    """Render a parsed document as an indented outline: metadata, pages, then the block tree."""
    meta = doc.metadata
    out = [f"# {doc.source_file}  ({doc.media_type}, {len(doc.pages)} pages, {len(doc.blocks)} blocks)"]
    for name in ("title", "organisation", "body", "kind", "date", "period", "source"):
        value = getattr(meta, name)
        if value:
            mark = " (inferred)" if name in meta.inferred else ""
            out.append(f"{name}: {value}{mark}")
    if doc.dates:
        out.append(
            "dates: " + "; ".join(f"{d.text} → {d.start or '?'}..{d.end or '?'}" for d in doc.dates[:12])
        )
    if doc.furniture:
        out.append("furniture (removed): " + " | ".join(doc.furniture))
    for note in doc.notes:
        out.append(f"note: {note}")
    for warning in doc.warnings:
        out.append(f"warning: {warning}")
    out.append("")
    _render_section(block_tree(doc.blocks), 0, out)
    return "\n".join(out)


def _render_section(section: Section, depth: int, out: list[str]) -> None:
    indent = "  " * depth
    if section.heading is not None:
        h = section.heading
        out.append(f"{indent}{'#' * (h.level or 1)} {h.text}  [p{h.page}]")
        indent = "  " * (depth + 1)
    for child in section.children:
        if isinstance(child, Section):
            _render_section(child, depth + (1 if section.heading is not None else 0), out)
        else:
            out.append(indent + _render_block(child))


def _render_block(block: Block) -> str:
    page = f"  [p{block.page}]" if block.page is not None else ""
    if block.kind is BlockKind.LIST_ITEM:
        return f"{block.marker or '-'} {block.text}{page}"
    if block.kind is BlockKind.TABLE_ROW:
        cells = " | ".join(block.cells or [])
        head = "table" if not block.header else "table header"
        return f"[{head} {block.table}] {cells}{page}"
    return f"{block.text}{page}"
