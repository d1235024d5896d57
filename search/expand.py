"""Query expansion for the lexical ranking: the words Swedish school documents use for what a question asks.

The expansions are data (search/data/query_expansions.toml). Only BM25 sees them: the dense ranking reads the
question as asked, so an expansion can add recall but cannot pull the meaning of the question away.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path

EXPANSIONS_FILE = Path(__file__).parent / "data" / "query_expansions.toml"


@lru_cache(maxsize=1)
def expansions() -> tuple[tuple[re.Pattern[str], str], ...]:
    """The (pattern, added words) pairs, compiled once."""
    data = tomllib.loads(EXPANSIONS_FILE.read_text("utf-8"))
    return tuple((re.compile(e["when"], re.IGNORECASE), e["add"]) for e in data["expansion"])


def expand_query(query: str) -> str:
    """The question with the words of every matching expansion appended."""
    added = [words for pattern, words in expansions() if pattern.search(query)]
    return " ".join([query, *added]) if added else query
