"""Legal references in Swedish school documents: statute citations, curricula, allmänna råd, conventions.

- ``citations``: ``find_citations(text, ...)`` -> ``Citation`` per provision, with lagen.nu IRIs
  (grammar.lark, laws.toml, references.toml are the data it runs on);
- ``statute``: which version of a skollagen paragraph was in force on a date.
"""

from graph.legal.citations import (
    Citation,
    chapter_from_heading,
    context_from_sections,
    expand_range,
    find_citations,
    find_citations_in_document,
    find_citations_in_headings,
    provision_iri,
)
from graph.legal.statute import in_force, load_statute, statute_text

__all__ = [
    "Citation",
    "chapter_from_heading",
    "context_from_sections",
    "expand_range",
    "find_citations",
    "find_citations_in_document",
    "find_citations_in_headings",
    "in_force",
    "load_statute",
    "provision_iri",
    "statute_text",
]
