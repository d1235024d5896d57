"""The outline the plan rules read a document by: sections under structural headings, label blocks, and the
heading cue that governs each section.

Step 1 of the cue rules (graph.plan.extract.rule_extraction). A section is a structural heading (or the
document start) with the blocks up to the next one; in plain text, short numbered items followed by text
("2. Nämndens mål") are section headings too, and numbered headings ("3.1 ...") sit one level down per part
of their number. A heading's cue (:func:`heading_kind`, word lists in cues.toml) says what the blocks under
it are; a section without a cue of its own takes its nearest ancestor's (:func:`governing_cue`), and a
heading that quotes national steering documents (läroplan, skollag) makes everything under it "external".
Label blocks ("Mål:", "Ansvar:", "Syfte:") are found here too: a short heading that is a label is no section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.plan.lexicon import lexicon
from graph.plan.model import GOAL_KINDS
from graph.plan.text import marker_of, split_marker, word_count
from ingest.model import Block, BlockKind

# A numbered list item that is a section heading of a plain-text plan ("2. Nämndens mål" followed by text):
# at most this many words.
SECTION_ITEM_WORDS = 8
# A heading numbered as a subsection ("3.1 Åtgärder för mål 1").
SECTION_NUMBER = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})+)\.?\s+(?=\S)")
# A bullet the reader left in the text ("- Nätverksträffar:").
BULLET_START = re.compile(r"^\s*[-–•]\s*")
# The cues of headings that list elements: numbered items under them are their items, not sections.
LISTED_KINDS = (*GOAL_KINDS, "strategy", "activity", "challenge", "forum")


def heading_kind(text: str) -> str | None:
    """What a heading announces: a kind of element, "roles", "mission", "plan" (strategies and activities
    together), "followup" (how the plan is followed up), or None. The earliest cue word not governed by a
    preposition decides ("mot målen" does not)."""
    lex = lexicon()
    text = BULLET_START.sub("", text)
    if word_count(text) > 12:
        return None
    cue = lex.heading.head(text)
    if cue == "mission" and word_count(text) > 3:
        return None
    if cue == "strategy" and lex.heading.kinds_in(text) >= {"strategy", "activity"}:
        return "plan"  # "Strategier och aktiviteter": a part of the plan, not a list of strategies
    return cue


@dataclass
class Section:
    """A structural heading (or the document start) and the blocks directly under it."""

    heading: int | None
    level: int
    body: list[int]
    parent: Section | None = None
    children: list[Section] = field(default_factory=list)
    cue: str | None = None
    external: bool = False

    def ancestors(self) -> list[Section]:
        """This section's ancestors, nearest first."""
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


@dataclass
class Outline:
    """A document's blocks, its label blocks (block -> (field, offset of the rest)), the numbered list items
    that are section headings, and the section tree."""

    blocks: list[Block]
    labels: dict[int, tuple[str, int]]
    section_items: set[int]
    root: Section

    def title(self) -> int | None:
        """The document's title: its first heading when that heading holds every other one."""
        top = list(self.root.children)
        return top[0].heading if len(top) == 1 else None

    def sections(self) -> list[Section]:
        """Every section of the tree, the root included."""
        out, todo = [], [self.root]
        while todo:
            node = todo.pop()
            out.append(node)
            todo.extend(node.children)
        return out

    def is_external(self, b: int) -> bool:
        """Whether block b lies under a heading that quotes national steering documents."""
        for section in self.sections():
            if b in section.body:
                return governing_cue(section)[0] == "external"
        return False


def read_outline(blocks: list[Block]) -> Outline:
    """The outline of a document's blocks: labels, numbered section items, the section tree."""
    labels = {}
    for i, block in enumerate(blocks):
        label = block_label(block)
        if label:
            labels[i] = label
    items = section_items(blocks)
    return Outline(blocks, labels, items, _tree(blocks, labels, items))


def block_label(block: Block) -> tuple[str, int] | None:
    """The label field a block opens with ("Mål:" -> ("goal", offset after the colon)), or None; a heading
    is a label only when at most three words follow it."""
    if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.LIST_ITEM):
        return None
    lex = lexicon()
    m = lex.label_re.match(block.text)
    if not m:
        return None
    if block.kind is BlockKind.HEADING and word_count(block.text[m.end() :]) > 3:
        return None
    return lex.labels[m.group(1).lower()], m.end()


def marker_kind(block: Block) -> str | None:
    """The kind of a block's list marker ("letter", "number", "bullet"), from the reader or the text."""
    if block.marker:
        return split_marker(block.marker + " X")[0]
    return split_marker(block.text)[0]


def section_items(blocks: list[Block]) -> set[int]:
    """Numbered list items that are section headings of a plain-text plan ("2. Nämndens mål"): short,
    unpunctuated, followed by something other than a list item, and not alone in the document."""
    found = []
    listing = False  # under a heading that announces a list ("Fokusområden") numbered items are its items
    for i, block in enumerate(blocks):
        if block.kind is BlockKind.HEADING and not SECTION_NUMBER.match(block.text):
            listing = heading_kind(block.text) in LISTED_KINDS
        if block.kind is not BlockKind.LIST_ITEM or marker_kind(block) != "number" or listing:
            continue
        text = block.text.strip()
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        prev = blocks[i - 1] if i > 0 else None
        in_list = prev is not None and prev.kind is BlockKind.LIST_ITEM and marker_kind(prev) == "number"
        if (
            word_count(text) > SECTION_ITEM_WORDS
            or re.search(r"[.!?:;,]$", text)
            or nxt is None
            or nxt.kind is BlockKind.LIST_ITEM
            or in_list
        ):
            continue
        found.append(i)
    numbers = {marker_of(blocks[i].marker + " X") if blocks[i].marker else None for i in found}
    return set(found) if len(found) >= 2 and len(numbers) >= 2 else set()


def _section_number(blocks: list[Block], items: set[int], i: int) -> str | None:
    """The section number of a numbered section item or heading ("3", "3.1"), or None."""
    block = blocks[i]
    if i in items:
        return (block.marker or "1.").strip().strip(".")
    m = SECTION_NUMBER.match(block.text)
    return m.group(1) if m else None


def _is_structural(blocks: list[Block], labels: dict, items: set[int], i: int) -> bool:
    """A block that opens a section: a numbered section item, or a heading that is no label or bullet."""
    block = blocks[i]
    if i in items:
        return True
    return block.kind is BlockKind.HEADING and i not in labels and not BULLET_START.match(block.text)


def _levels(blocks: list[Block], heads: list[int], items: set[int]) -> dict[int, int]:
    """The level of each structural block, numbered sections and flat cue headings placed in the tree."""
    levels = {i: blocks[i].level or 1 for i in heads}
    # Numbered section items ("3.") and numbered headings ("3.1 ...") sit under the nearest heading without
    # a number, one level down per part of their number.
    base = 0
    for i in heads:
        number = _section_number(blocks, items, i)
        if number is None:
            base = levels[i]
        elif items:
            levels[i] = base + number.count(".") + 1
    # Flat headings (plain-text readers give every heading the same level): a cue heading with nothing under
    # it adopts the same-level headings after it while their bodies are lists only.
    for n, h in enumerate(heads):
        if heading_kind(blocks[h].text) not in (*GOAL_KINDS, "activity", "strategy", "challenge"):
            continue
        if n + 1 < len(heads) and heads[n + 1] == h + 1 and levels[heads[n + 1]] == levels[h]:
            for k in heads[n + 1 :]:
                if levels[k] != levels[h] or heading_kind(blocks[k].text):
                    break
                later = [x for x in heads if x > k]
                body = range(k + 1, later[0] if later else len(blocks))
                if any(blocks[b].kind is not BlockKind.LIST_ITEM for b in body):
                    break
                levels[k] = levels[h] + 1
    return levels


def _tree(blocks: list[Block], labels: dict, items: set[int]) -> Section:
    """The section tree: each structural block opens a section under the nearest one of a lower level."""
    root = Section(None, 0, [])
    heads = [i for i in range(len(blocks)) if _is_structural(blocks, labels, items, i)]
    levels = _levels(blocks, heads, items)
    lex = lexicon()
    stack = [root]
    for i, block in enumerate(blocks):
        if i in levels:
            while stack[-1].level >= levels[i] and stack[-1] is not root:
                stack.pop()
            section = Section(i, levels[i], [], parent=stack[-1])
            section.cue = heading_kind(block.text)
            section.external = bool(lex.external.search(block.text))
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].body.append(i)
    # The document's title ("Åtgärdsplan efter ...") names the document, not what its sections list.
    if len(root.children) == 1 and not root.body and root.children[0].children:
        root.children[0].cue = None
    return root


def governing_cue(section: Section) -> tuple[str | None, Section | None]:
    """The cue governing a section's blocks and the section that gives it: its own or the nearest
    ancestor's ("external" under a heading quoting national steering documents)."""
    for node in [section, *section.ancestors()]:
        if node.external:
            return "external", node
        if node.cue:
            return node.cue, node
    return None, None


def topic_of(section: Section) -> int | None:
    """The nearest heading without a cue: the topic that challenges and strategies under it share."""
    for node in [section, *section.ancestors()]:
        if node.heading is not None and not node.cue:
            return node.heading
    return section.heading
