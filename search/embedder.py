"""What the index embeds, and with what: the passage text recipe and the embedder interface.

The index takes any object with ``recipe``, ``passages(texts)`` and ``queries(texts)``; the default is
multilingual-e5-small through search.model (loaded on first use). Tests pass a cheap fake.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from search.records import DocMeta, IndexedPassage

# A passage is embedded with its context: a line naming the document ("Svenljunga kommun – Plan för
# systematiskt kvalitetsarbete 2025"), the headings above it, then its text. Passages are often short list
# items or table rows that do not say which plan or municipality they belong to, while questions do. On the
# development questions this beat "section\ntext" (dense MRR 0.54 -> 0.57 on the corpus, 0.38 -> 0.61 on
# the seed texts; hit@1 0.37 -> 0.47 and 0.21 -> 0.47). ``with_section=False`` embeds the bare text.
# A table row is embedded as described (graph.passages: its labels above and its cells keyed by the column
# header), not as its bare cells (recipe 3).
WITH_SECTION = True
RECIPE_VERSION = 3


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised float32 rows."""

    recipe: str  # names model and text recipe; stored vectors made under another recipe are not reused

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passage texts."""
        ...

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries."""
        ...


def document_line(meta: DocMeta) -> str:
    """The line that names a document in its passages' context: "organisation – title"."""
    return " – ".join(part for part in (meta.organisation, meta.title) if part)


def embedding_text(
    passage: IndexedPassage, meta: DocMeta | None = None, with_section: bool = WITH_SECTION
) -> str:
    """The text embedded for a passage: the document line and the section (headings), then its text (a
    table row: its description)."""
    if not with_section:
        return passage.text
    context = [document_line(meta) if meta else "", passage.section]
    return "\n".join([part for part in context if part] + [passage.described or passage.text])


class E5Embedder:
    """multilingual-e5-small (or the configured model) through search.model; loads the model on first use."""

    def __init__(self, with_section: bool = WITH_SECTION) -> None:
        from search.model import ENV_MODEL, MODEL_NAME

        self.with_section = with_section
        model = os.environ.get(ENV_MODEL, "").strip() or MODEL_NAME
        self.recipe = f"{model}|e5-prefixes|section={int(with_section)}|v{RECIPE_VERSION}"

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages with the "passage: " prompt."""
        from search.model import embed_passages

        return embed_passages(texts)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed queries with the "query: " prompt."""
        from search.model import embed_queries

        return embed_queries(texts)
