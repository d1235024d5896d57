"""The scale benchmark: copies differ from their sources and from each other; a tiny run prints the schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import bench_scale, scale_corpus  # noqa: E402

# A constructed plan in the genre (no text of any real document).
PLAN = """# Verksamhetsplan 2024 för Exempelby kommun

<!-- sida 1 -->

Exempelbys kommun arbetar sedan 2019 med systematiskt kvalitetsarbete enligt 4 kap. 3 § skollagen (2010:800) \
och med Agenda 2030.

Barn- och utbildningsnämnden har beslutat om tre prioriterade mål för perioden 2024–2026 i Exempelby.

## Mål 1: Ökade kunskapsresultat

Andelen elever med godkända betyg i alla ämnen ska öka till 85 procent senast år 2026.

| Aktivitet | Ansvar | Klart |
|---|---|---|
| Kartlägga läsförmågan i årskurs 1 | Rektor | VT24 |
"""

SOURCE = scale_corpus.Source(
    "plan_exempelby.md", PLAN, "Exempelby kommun", "verksamhetsplan", "Verksamhetsplan 2024"
)
TOWNS = [
    {"kommun_namn": "Alby kommun", "kommun_kortnamn": "Alby", "kommunkod": "9901"},
    {"kommun_namn": "Boby kommun", "kommun_kortnamn": "Boby", "kommunkod": "9902"},
    {"kommun_namn": "Ceby kommun", "kommun_kortnamn": "Ceby", "kommunkod": "9903"},
]

SCHEMA = {
    "documents",
    "triples",
    "store_mb",
    "ingest_docs_per_s",
    "workers",
    "cold_sparql_s",
    "gaps_s",
    "trace_s",
    "ask_p95_ms",
    "peak_mb",
}
VECTORS = {"passages", "ann_recall_at_10", "p95_ms", "exact_p95_ms", "peak_mb"}


def test_copies_differ_from_the_source_and_each_other():
    copies = scale_corpus.make_copies([SOURCE], 12, TOWNS)
    assert len({c.sha256 for c in copies}) == 12
    assert len({c.name for c in copies}) == 12
    for copy in copies:
        assert copy.text != SOURCE.text
        assert copy.metadata["organisation"] != SOURCE.organisation
        assert copy.metadata["title"] != SOURCE.title
        assert "Exempelby" not in copy.text and "exempelby" not in copy.name


@pytest.mark.parametrize(
    ("text", "shift", "expected"),
    [
        ("år 2019 och 2024–2026", 2, "år 2021 och 2026–2028"),
        ("läsåret 2023/2024", -1, "läsåret 2022/2023"),
        ("skollagen (2010:800) och Agenda 2030", 3, "skollagen (2010:800) och Agenda 2030"),
        ("den 2018-02-06", 1, "den 2019-02-06"),
    ],
)
def test_years_shift_but_statute_numbers_stay(text, shift, expected):
    assert scale_corpus.shift_years(text, shift)[0] == expected


def test_place_names_are_renamed_with_their_genitive():
    text, count = scale_corpus.rename_place(
        "Exempelbys skolor i EXEMPELBY och 12_Exempelby_plan", ["Exempelby"], "Boby"
    )
    assert text == "Bobys skolor i BOBY och 12_Boby_plan"
    assert count == 3


def test_a_file_name_loses_its_place_name_also_without_diacritics():
    source = scale_corpus.Source("12_Ostra_plan.pdf", PLAN, "Östra kommun", "verksamhetsplan", "Plan")
    copy = scale_corpus.make_copy(source, 3, TOWNS[1])
    assert copy.name.startswith("00003_12-boby-plan") and "ostra" not in copy.name


def test_a_paragraph_is_dropped_or_swapped():
    copy = scale_corpus.make_copy(SOURCE, 0, TOWNS[0])
    assert any(change in copy.changes for change in ("dropped a paragraph", "swapped two paragraphs"))


def test_clone_trig_renames_iris_names_and_kommun():
    trig = (
        "<https://w3id.org/styrkedja/graph/doc/a-md> { <https://w3id.org/styrkedja/id/doc/a-md/goal/1> "
        "<https://w3id.org/styrkedja/ns#inDocument> <https://w3id.org/styrkedja/id/doc/a-md> . "
        '<https://w3id.org/styrkedja/id/doc/a-md> <https://w3id.org/styrkedja/ns#sourceFile> "a.md" ; '
        "<http://purl.org/dc/terms/publisher> <https://w3id.org/styrkedja/id/kommun/9901> ; "
        '<http://purl.org/dc/terms/title> "Plan A" . '
        "<https://w3id.org/styrkedja/id/doc/a-md-2> "
        '<https://w3id.org/styrkedja/ns#sourceFile> "a-md-2.md" . }'
    )
    old = {"name": "a.md", "title": "Plan A", "organisation": "Alby kommun", "code": "9901"}
    new = {"name": "b.md", "title": "Plan B", "organisation": "Boby kommun", "code": "9902"}
    cloned = bench_scale.clone_trig(trig, old, new)
    assert "graph/doc/b-md>" in cloned and "id/doc/b-md/goal/1>" in cloned and '"b.md"' in cloned
    assert "kommun/9902>" in cloned and '"Plan B"' in cloned
    assert "id/doc/a-md-2>" in cloned  # another document whose slug starts the same is untouched


def test_p95():
    assert bench_scale.p95([float(i) for i in range(1, 101)]) == pytest.approx(95.05)


def test_tiny_run_prints_the_schema(tmp_path):
    """2 built and 4 assembled documents from the corpus alone, without the model (ask left out)."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench_scale.py"),
            "--json",
            "--sizes",
            "2,4",
            "--real-max",
            "2",
            "--no-real-dev",
            "--no-model",
            "--no-vectors",
            "--keep",
            str(tmp_path),
            "--workers",
            "1",
            "--code",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert [s["documents"] for s in report["sizes"]] == [2, 4]
    for size in report["sizes"]:
        assert set(size) >= SCHEMA
    built, assembled = report["sizes"]
    assert not built["assembled"] and assembled["assembled"]
    assert built["ingest_docs_per_s"] > 0 and built["workers"] >= 1
    assert 0 < built["triples"] < assembled["triples"]
    assert assembled["gaps_s"] is not None and assembled["cold_sparql_s"] is not None
    assert set(report["vectors"]) >= VECTORS
    manifest = json.loads((tmp_path / "store" / "manifest.json").read_text("utf-8"))
    assert len(manifest["documents"]) == 4
    hashes = {entry["sha256"] for entry in manifest["documents"].values()}
    assert len(hashes) == 4
    sources = {p.name for p in scale_corpus.source_files(scale_corpus.CORPUS, None)}
    assert not sources & set(manifest["documents"])  # new names


def test_growth_is_the_ratio_of_each_figure_between_sizes():
    small = {"documents": 1000, "triples": 2_000_000, "gaps_s": 0.5, "trace_s": None, "peak_mb": 300.0}
    large = {"documents": 10000, "triples": 20_000_000, "gaps_s": 1.0, "trace_s": 0.4, "peak_mb": 330.0}
    (step,) = bench_scale.growth([small, large])
    assert (step["from"], step["to"]) == (1000, 10000)
    assert step["triples"] == 10.0 and step["gaps_s"] == 2.0 and step["peak_mb"] == 1.1
    assert step["trace_s"] is None and step["store_mb"] is None  # unknown on one side
