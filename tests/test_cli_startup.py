"""Start-up cost of the command line: building the parser loads no RDF library, reader or model.

Every command pays for what `build_parser` imports (`gaps` and `trace` at 10,000 documents answer in about a
second of CPU, so a second spent importing rdflib for `--help` or for option choices would double them).
Regression: the gap kinds for `gaps --kind` came from graph.gaps (rdflib), the page limit from ingest.reader.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("rdflib", "pdfplumber", "pypdfium2", "torch", "sentence_transformers", "numpy", "ingest.reader")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint('\\n'.join(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize("module", HEAVY)
def test_building_the_parser_loads_no_heavy_module(module):
    loaded = _loaded_after("from app.cli import build_parser\nbuild_parser()")
    assert module not in loaded


def test_the_gap_kinds_the_parser_offers_are_the_rules_kinds():
    from graph.gap_kinds import KINDS
    from graph.gaps import KINDS as RULE_KINDS

    assert KINDS is RULE_KINDS
    parser = __import__("app.cli", fromlist=["build_parser"]).build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args(["gaps", "--kind", "no_such_kind"])
    assert parser.parse_args(["gaps", "--kind", KINDS[0]]).kind == KINDS[0]
