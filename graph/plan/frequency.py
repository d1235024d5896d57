"""Frequency expressions ("en gång i månaden", "minst 4 möten per år", "veckovisa") in running text."""

from __future__ import annotations

from graph.plan.lexicon import lexicon


def find_frequency(text: str) -> tuple[str, int, int] | None:
    """Return the first frequency expression in a text as (as written, start, end), or None."""
    m = lexicon().frequency.search(text)
    return (m.group(0), m.start(), m.end()) if m else None


def find_frequencies(text: str) -> list[tuple[str, int, int]]:
    """Return all frequency expressions in a text as (as written, start, end)."""
    return [(m.group(0), m.start(), m.end()) for m in lexicon().frequency.finditer(text)]
