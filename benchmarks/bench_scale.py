"""Scale benchmark: stores of 100, 1,000 and 10,000 documents made from copies of the corpus and real-dev.

Run: .venv/bin/python benchmarks/bench_scale.py --json [--sizes 100,1000,10000] [--keep DIR] [--workers N]
     [--real-max N] [--no-real-dev] [--timeout S]

Copies (``benchmarks/scale_corpus.py``) get new names, organisations and small text changes. The sizes nest:
the corpus of 1,000 copies holds the 100 of the smaller size, and each store grows from the one before, so a
size's ingest figure is that of the documents it adds.

- **Real path** (sizes up to ``--real-max``): ``styrkedja build --corpus DIR`` (with ``--workers N`` where the
  command takes it) over the copies, written as Markdown: the corpus text of a PDF after reading, so that PDF
  reading, which ``bench_ingest`` measures, does not dominate.
- **Assembled** (sizes above ``--real-max``, ``"assembled": true``): the store of the largest real size is
  extended with clones of its per-document results (the TriG graph, the search index entry and the manifest
  entry a build writes), each under the IRIs, file name, title and kommun of a further copy, with the copy's
  own SHA-256, and the store's derived indexes rebuilt from the TriG (``styrkedja rebuild-index`` where the
  command exists). The clone's graph and vectors are its model's, not the copy's (the copy's text changes are
  not in them).

Every figure is measured on fresh subprocesses of the real CLI: cold ``sparql`` (one document's title by file
name), ``gaps --json``, ``trace`` (a goal or meeting of one document), ``ask`` (cold, one question) and a
long-lived search process answering questions one by one (``ask_p95_ms``). ``peak_mb`` is the largest
``ru_maxrss`` of those commands (``os.wait4`` per child, children of children included). A command that
passes ``--timeout`` seconds or ``--rss-limit-mb`` is stopped and its figure is null, named in ``failures``.

Prints the issue's schema, plus ``assembled`` per size and ``details``/``notes`` beside it::

    {"sizes": [{"documents", "triples", "store_mb", "ingest_docs_per_s", "workers", "cold_sparql_s",
                "gaps_s", "trace_s", "ask_p95_ms", "peak_mb", "assembled"}],
     "vectors": {"passages", "ann_recall_at_10", "p95_ms", "exact_p95_ms", "peak_mb"}, ...}
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import scale_corpus  # noqa: E402
from graph.iris import document_graph, document_iri, slug  # noqa: E402

log = logging.getLogger("benchmarks.bench_scale")

# The code the CLI runs from: a snapshot of the last commit (``--code HEAD``, the default: other people's
# unfinished edits in the working tree are not measured) or a folder (``--code .`` for the working tree).
CODE: list[Path] = [ROOT]
CLI = [sys.executable, "-m", "app.cli"]


def child_env() -> dict[str, str]:
    """The environment of a measured child: the product's code from CODE first on the path."""
    return {**os.environ, "PYTHONPATH": str(CODE[0])}


def code_snapshot(keep: Path, spec: str) -> Path:
    """The code to measure: ``HEAD`` (or another commit) exported with git archive, or a folder."""
    if Path(spec).is_dir():
        return Path(spec).resolve()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short=12", spec], capture_output=True, text=True, check=True
    ).stdout.strip()
    folder = keep / f"code-{commit}"
    if not folder.is_dir():
        partial = keep / f".code-{commit}.tmp"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        partial.rename(folder)
    log.info("measuring the code of %s (%s)", spec, folder)
    return folder


QUESTIONS = [
    "Vem ansvarar för det systematiska kvalitetsarbetet?",
    "Vilka mål finns för elevernas kunskapsresultat?",
    "När ska likvärdigheten mellan skolorna följas upp?",
    "Vilka aktiviteter gäller trygghet och studiero?",
    "Vad beslutade nämnden om förskolans lokaler?",
    "Hur följs betygsresultaten upp varje termin?",
    "Vem är ordförande vid sammanträdet?",
    "Vilka insatser görs för nyanlända elever?",
    "Hur arbetar huvudmannen med Agenda 2030?",
    "Vilka brister pekar nulägesanalysen på?",
    "Hur ska elevhälsan stärkas?",
    "Vad säger skollagen om rektors ansvar?",
    "Vilka strategier finns för kompetensutveckling av lärare?",
    "När ska handlingsplanen vara klar?",
    "Vilka nyckeltal används i styrkortet?",
    "Vad kostar skolskjutsarna?",
    "Hur många barn går i förskolan?",
    "Vilket uppdrag fick förvaltningen?",
    "Hur ser samverkan med vårdnadshavare ut?",
    "Vilka risker finns i den interna kontrollen?",
]
SPARQL_TITLE = (
    "PREFIX sk: <https://w3id.org/styrkedja/ns#> PREFIX dcterms: <http://purl.org/dc/terms/> "
    'SELECT ?doc ?title WHERE {{ ?doc sk:sourceFile "{name}" ; dcterms:title ?title }}'
)
SPARQL_NODE = (
    "PREFIX sk: <https://w3id.org/styrkedja/ns#> SELECT ?n WHERE {{ "
    "{{ ?n a sk:Goal }} UNION {{ ?n a sk:Activity }} "
    "?n sk:inDocument <{doc}> }} LIMIT 1"
)
SPARQL_ANY_GOAL = "PREFIX sk: <https://w3id.org/styrkedja/ns#> SELECT ?n WHERE { ?n a sk:Goal } LIMIT 1"
SPARQL_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# The triple count is a figure, not a timing: counted in a child without the CLI's query time limit (at 10,000
# documents the COUNT runs longer than the limit), from the same quad index the sparql command reads.
COUNT_WORKER = """
import json, sys
from graph.store import Store
print(json.dumps({"results": {"bindings": [{"n": {"value": str(len(Store(sys.argv[1]).quads()))}}]}}))
"""


# ------------------------------------------------------------------------------------------ subprocesses


@dataclass
class Run:
    """One child command: wall seconds, peak resident memory (MB), exit status and output."""

    argv: list[str]
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str
    stopped: str | None = None  # why the benchmark stopped it ("timeout", "memory")
    cpu_s: float = 0.0  # user + system CPU seconds (children of children included)

    @property
    def ok(self) -> bool:
        """Whether the command finished with status 0."""
        return self.returncode == 0 and self.stopped is None


def _tree_rss_mb(pid: int) -> float:
    """Resident memory (MB) of a process and its descendants, from /proc (0 where it cannot be read)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0.0)
        todo += children.get(current, [])
    return total


def run(argv: Sequence[str], timeout: float, rss_limit_mb: float, env: dict | None = None) -> Run:
    """Run a child command to its end (or stop it past ``timeout`` / ``rss_limit_mb``); measure it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            list(argv), stdout=out, stderr=err, env=env or child_env(), cwd=CODE[0], start_new_session=True
        )
        stopped, checked = None, 0.0
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            if stopped is None and elapsed > timeout:
                stopped = "timeout"
            if stopped is None and elapsed - checked > 1.0:
                checked = elapsed
                if _tree_rss_mb(child.pid) > rss_limit_mb:
                    stopped = "memory"
            if stopped:
                os.killpg(child.pid, signal.SIGKILL)
                _, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = Run(
            list(argv),
            seconds,
            usage.ru_maxrss / 1024,
            child.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            stopped,
            usage.ru_utime + usage.ru_stime,
        )
    if not result.ok:
        log.warning(
            "%s: %s (status %s) after %.1f s: %s",
            " ".join(argv[:4]),
            stopped or "failed",
            result.returncode,
            seconds,
            result.stderr.strip()[-300:],
        )
    return result


def cli_help(command: str) -> str:
    """The help text of a CLI command ('' when there is no such command)."""
    done = subprocess.run(
        [*CLI, command, "--help"], capture_output=True, text=True, check=False, env=child_env(), cwd=CODE[0]
    )
    return done.stdout if done.returncode == 0 else ""


# ---------------------------------------------------------------------------------------------- corpora


def sources(keep: Path, use_real_dev: bool) -> list[scale_corpus.Source]:
    """The source documents as text (cached in ``keep``: reading the PDFs takes half a minute)."""
    real_dev = scale_corpus.REAL_DEV if use_real_dev else None
    paths = scale_corpus.source_files(scale_corpus.CORPUS, real_dev)
    cache = keep / f"sources-{len(paths)}.json"
    if cache.exists():
        return [scale_corpus.Source(**item) for item in json.loads(cache.read_text("utf-8"))]
    found = scale_corpus.load_sources(paths)
    cache.write_text(json.dumps([vars(s) for s in found], ensure_ascii=False), "utf-8")
    return found


# --------------------------------------------------------------------------------------------- assembly


def _kommunkod(towns: Sequence[dict]) -> dict[str, str]:
    return {town["kommun_namn"]: town["kommunkod"] for town in towns}


def clone_trig(text: str, old: dict, new: dict) -> str:
    """A document graph's TriG under another file name, kommun, title and organisation."""
    for kind in ("id/doc/", "graph/doc/"):
        text = re.sub(rf"{kind}{re.escape(slug(old['name']))}(?=[>/])", f"{kind}{slug(new['name'])}", text)
    if old.get("code") and new.get("code"):
        text = re.sub(rf"id/kommun/{old['code']}(?=[>/])", f"id/kommun/{new['code']}", text)
    for key in ("name", "title", "organisation"):
        if old.get(key) and new.get(key):
            text = text.replace(
                json.dumps(old[key], ensure_ascii=False), json.dumps(new[key], ensure_ascii=False)
            )
    return text


def write_quick(path: Path, data: bytes) -> None:
    """Write a file through a temporary name, without the store's fsync (an assembled store is disposable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def clone_graph_files(store: Path, graph_file: str, stem: str, old: dict, new: dict) -> str:
    """Clone a document's TriG file and every file beside it of the same stem (its analysis); return the
    new TriG file's path relative to the store."""
    source = store / graph_file
    base = source.name[: -len(".trig")]
    for path in source.parent.glob(base + ".*"):
        if path.name.startswith("."):
            continue
        text = clone_trig(path.read_text("utf-8"), old, new)
        write_quick(path.with_name(stem + path.name[len(base) :]), text.encode("utf-8"))
    return str(Path(graph_file).with_name(stem + ".trig"))


def clone_index_entry(source: Path, target: Path, meta: dict) -> None:
    """A search index entry under another document (its vectors reused as they are)."""
    import io

    import numpy as np

    with np.load(source, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    record = json.loads(str(arrays["record"]))
    record["doc"].update(meta)
    arrays["record"] = np.array(json.dumps(record, ensure_ascii=False))
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_quick(target, buffer.getvalue())


def assemble(store: Path, copies: Sequence[scale_corpus.Copy], corpus: Path, towns: Sequence[dict]) -> int:
    """Extend a built store with clones of its documents for the copies it lacks; return how many."""
    from graph.store import MANIFEST
    from search.index import index_file

    manifest = json.loads((store / MANIFEST).read_text("utf-8"))
    documents = manifest["documents"]
    codes = _kommunkod(towns)
    by_source: dict[str, list[dict]] = {}
    built_from = {copy.name: copy.source for copy in copies}
    for entry in documents.values():
        if entry["source_file"] in built_from:
            by_source.setdefault(built_from[entry["source_file"]], []).append(entry)
    record = store.parent / ASSEMBLY_RECORD
    models: dict[str, str] = json.loads(record.read_text("utf-8")) if record.exists() else {}
    added = 0
    for ordinal, copy in enumerate(copies):
        if copy.name in documents:
            continue
        # A copy of the same source where the built size has one (a size smaller than the sources: any).
        candidates = by_source.get(copy.source) or [e for group in by_source.values() for e in group]
        if not candidates:
            raise RuntimeError(f"no built document to assemble {copy.name} from")
        model = candidates[(ordinal // len(by_source)) % len(candidates)]
        old = {
            "name": model["source_file"],
            "title": model.get("title"),
            "organisation": model.get("organisation"),
            "code": codes.get(model.get("organisation") or ""),
        }
        new = {
            "name": copy.name,
            "title": copy.metadata.get("title"),
            "organisation": copy.metadata.get("organisation"),
            "code": codes.get(copy.metadata["organisation"]),
        }
        graph_file = clone_graph_files(
            store, model["graph_file"], f"{slug(copy.name)}.c{ordinal:06d}", old, new
        )
        iri = str(document_iri(copy.name))
        old_index = index_file(store / "search", model["document"])
        if old_index.exists():
            clone_index_entry(
                old_index,
                index_file(store / "search", iri),
                {
                    "doc_id": iri,
                    "source_file": copy.name,
                    "title": new["title"],
                    "organisation": new["organisation"],
                    "kommun": new["organisation"].removesuffix(" kommun"),
                },
            )
        entry = dict(
            model,
            source_file=copy.name,
            sha256=copy.sha256,
            graph_file=graph_file,
            document=iri,
            graph=str(document_graph(copy.name)),
            origin=str(corpus / copy.name),
            title=new["title"],
            organisation=new["organisation"],
            aliases={},
            added=time.time(),
        )
        documents[copy.name] = entry
        models[copy.name] = model["source_file"]
        added += 1
        if added % 1000 == 0:
            log.info("assembled %d documents", added)
    write_quick(store / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    write_quick(record, json.dumps(models, ensure_ascii=False).encode("utf-8"))
    return added


ASSEMBLY_RECORD = "assembled.json"  # beside the store: copy name -> the stored document it was cloned from


def refresh_assembled(store: Path, towns: Sequence[dict]) -> int:
    """Clone again the per-document files (analysis, profile: every file beside the TriG but the TriG) of
    assembled copies whose model's file is newer than theirs, in assembly order (a model may itself be a
    copy). Lets a kept run be measured with new code without assembling it again. Returns how many files."""
    from graph.store import MANIFEST

    record = store.parent / ASSEMBLY_RECORD
    if not record.exists():
        return 0
    models: dict[str, str] = json.loads(record.read_text("utf-8"))
    documents = json.loads((store / MANIFEST).read_text("utf-8"))["documents"]
    codes = _kommunkod(towns)

    def names(entry: dict) -> dict:
        return {
            "name": entry["source_file"],
            "title": entry.get("title"),
            "organisation": entry.get("organisation"),
            "code": codes.get(entry.get("organisation") or ""),
        }

    cloned = 0
    for name, model_name in models.items():
        entry, model = documents.get(name), documents.get(model_name)
        if entry is None or model is None:
            continue
        base = (store / model["graph_file"]).name[: -len(".trig")]
        stem = (store / entry["graph_file"]).name[: -len(".trig")]
        for path in (store / model["graph_file"]).parent.glob(base + ".*"):
            if path.name.startswith(".") or path.suffix == ".trig":
                continue
            target = path.with_name(stem + path.name[len(base):])
            if target.exists() and target.stat().st_mtime >= path.stat().st_mtime:
                continue
            text = clone_trig(path.read_text("utf-8"), names(model), names(entry))
            write_quick(target, text.encode("utf-8"))
            cloned += 1
    return cloned


# -------------------------------------------------------------------------------------------- measuring


def store_mb(store: Path) -> float:
    """The size of a store folder on disk (MB)."""
    return sum(p.stat().st_size for p in store.rglob("*") if p.is_file()) / 2**20


def _rows(result: Run) -> list[dict]:
    try:
        return json.loads(result.stdout).get("results", {}).get("bindings", [])
    except (json.JSONDecodeError, AttributeError):
        return []


def _value(row: dict, key: str) -> str | None:
    cell = row.get(key)
    return cell.get("value") if isinstance(cell, dict) else cell


def sparql(store: Path, query: str, args: argparse.Namespace) -> Run:
    """The CLI's sparql command as a fresh process, JSON output."""
    return run(
        [*CLI, "--store", str(store), "sparql", query, "--format", "json"], args.timeout, args.rss_limit_mb
    )


def count_triples(store: Path, args: argparse.Namespace) -> Run:
    """The quads of the store's named graphs, counted in a child process (its output as SPARQL JSON rows)."""
    return run([sys.executable, "-c", COUNT_WORKER, str(store)], args.timeout * 10, args.rss_limit_mb)


# A long-lived search process (run with the measured code first on the path): it opens the store and its index
# once, like the explorer, then answers the questions one by one, timed.
ASK_WORKER = """
import json, sys, time
from app import cli
from graph.store import Store
from search.ask import ask
store, questions = Store(sys.argv[1]), json.loads(sys.argv[2])
started = time.perf_counter()
index = cli._search_index(store)
graph = store.quads() if hasattr(store, "quads") else store.dataset()  # as the CLI's ask does
ask(graph, index, questions[0], 5)
opened = time.perf_counter() - started
times, cpu = [], []
for question in questions:
    began, began_cpu = time.perf_counter(), time.process_time()
    ask(graph, index, question, 5)
    times.append((time.perf_counter() - began) * 1000)
    cpu.append((time.process_time() - began_cpu) * 1000)
print(json.dumps({"open_s": round(opened, 2), "ms": times, "cpu_ms": cpu}))
"""


def p95(values: Sequence[float]) -> float:
    """The 95th percentile (inclusive method)."""
    if len(values) < 2:
        return float(values[0]) if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


PLAN_KINDS = ("verksamhetsplan", "kvalitetsplan", "styrkort", "affarsplan", "uppdragsbeskrivning")


def probe_document(
    copies: Sequence[scale_corpus.Copy], found: Sequence[scale_corpus.Source]
) -> scale_corpus.Copy:
    """The document the point queries ask about: the last copy of a plan (it has goals to trace)."""
    plans = {source.name for source in found if source.kind in PLAN_KINDS}
    return next((c for c in reversed(copies) if c.source in plans), copies[-1])


# A node every document points to: the heaviest trace a user can ask for (Agenda 2030 goal 4).
HEAVY_NODE = "http://metadata.un.org/sdg/4"


def history_organisation(
    copies: Sequence[scale_corpus.Copy], found: Sequence[scale_corpus.Source]
) -> str | None:
    """The organisation with the most copies of one plan (a history needs two versions of the same plan: same
    title words once years are left out, graph.versions.title_words), else None."""
    from graph.versions import title_words

    plans = {source.name for source in found if source.kind in PLAN_KINDS}
    counts: dict[tuple[str, frozenset[str]], int] = {}
    for copy in copies:
        organisation, title = copy.metadata.get("organisation"), copy.metadata.get("title")
        if copy.source in plans and organisation and title:
            key = (organisation, title_words(title))
            counts[key] = counts.get(key, 0) + 1
    best = max(counts.items(), key=lambda item: (item[1], item[0][0]), default=None)
    return best[0][0] if best and best[1] >= 2 else None


def measure(
    store: Path, copy: scale_corpus.Copy, args: argparse.Namespace, organisation: str | None = None
) -> tuple[dict, dict]:
    """Cold CLI figures of one store; returns (schema figures, details).

    Besides the schema's commands, ``similar`` and ``history`` (the other commands that cross documents) and a
    trace of a node every document cites are run; their times are in the details and their memory counts
    toward ``peak_mb`` (the issue's "peak memory of any command").
    """
    probe = copy.name
    runs: dict[str, Run] = {}
    runs["sparql"] = sparql(store, SPARQL_TITLE.format(name=probe), args)
    doc = str(document_iri(probe))
    found = _rows(sparql(store, SPARQL_NODE.format(doc=doc), args)) or _rows(
        sparql(store, SPARQL_ANY_GOAL, args)
    )
    node = _value(found[0], "n") if found else doc
    runs["gaps"] = run([*CLI, "--store", str(store), "gaps", "--json"], args.timeout, args.rss_limit_mb)
    runs["trace"] = run(
        [*CLI, "--store", str(store), "trace", node, "--json"], args.timeout, args.rss_limit_mb
    )
    runs["trace_heavy"] = run(
        [*CLI, "--store", str(store), "trace", HEAVY_NODE, "--json"], args.timeout, args.rss_limit_mb
    )
    if organisation:
        runs["history"] = run(
            [*CLI, "--store", str(store), "history", organisation, "--json"], args.timeout, args.rss_limit_mb
        )
    if args.no_model:  # no search index: the ask figures are left out
        runs["count"] = count_triples(store, args)
        return _figures(store, runs, node, None)
    runs["ask_cold"] = run(
        [*CLI, "--store", str(store), "ask", QUESTIONS[0], "--json"], args.timeout, args.rss_limit_mb
    )
    runs["similar"] = run(
        [*CLI, "--store", str(store), "similar", probe, "--json"], args.timeout, args.rss_limit_mb
    )
    runs["ask_warm"] = run(
        [sys.executable, "-c", ASK_WORKER, str(store), json.dumps(QUESTIONS)],
        args.timeout * 2,
        args.rss_limit_mb,
    )
    runs["count"] = count_triples(store, args)
    warm = json.loads(runs["ask_warm"].stdout) if runs["ask_warm"].ok else None
    return _figures(store, runs, node, warm)


def _figures(store: Path, runs: dict[str, Run], node: str, warm: dict | None) -> tuple[dict, dict]:
    """The schema's figures and the details from the measured commands."""
    counted = _rows(runs["count"])

    def seconds(name: str) -> float | None:
        return round(runs[name].seconds, 3) if runs[name].ok else None

    figures = {
        "triples": int(_value(counted[0], "n")) if counted else None,
        "store_mb": round(store_mb(store), 1),
        "cold_sparql_s": seconds("sparql"),
        "gaps_s": seconds("gaps"),
        "trace_s": seconds("trace"),
        "ask_p95_ms": round(p95(warm["ms"]), 1) if warm else None,
        "peak_mb": round(max(r.peak_mb for r in runs.values()), 1),
    }
    details = {
        "peak_mb_by_command": {name: round(r.peak_mb, 1) for name, r in runs.items()},
        "seconds_by_command": {name: round(r.seconds, 3) for name, r in runs.items()},
        "cpu_s_by_command": {name: round(r.cpu_s, 3) for name, r in runs.items()},
        "ask_cold_s": seconds("ask_cold") if "ask_cold" in runs else None,
        "ask_open_s": warm["open_s"] if warm else None,
        "ask_p50_ms": round(statistics.median(warm["ms"]), 1) if warm else None,
        # CPU time per question (all threads): less bent by a loaded machine than wall time.
        "ask_cpu_p95_ms": round(p95(warm["cpu_ms"]), 1) if warm and "cpu_ms" in warm else None,
        "trace_node": node,
        "failures": {name: r.stopped or f"status {r.returncode}" for name, r in runs.items() if not r.ok},
    }
    return figures, details


def stored_passages(store: Path) -> int:
    """How many passages a store's search index holds (its per-document entry files)."""
    import numpy as np

    total = 0
    for path in (store / "search" / "docs").glob("*.npz"):
        with np.load(path, allow_pickle=False) as data:
            total += int(data["vectors"].shape[0])
    return total


def vectors_section(store: Path, args: argparse.Namespace) -> dict:
    """The vectors section from benchmarks/bench_vectors.py's measure_vectors, or a marked absence.

    bench_vectors measures a synthetic merged index (clustered random vectors, Zipf texts) of a given number
    of passages: here, as many as the largest store holds.
    """
    absent = {
        "passages": None,
        "ann_recall_at_10": None,
        "p95_ms": None,
        "exact_p95_ms": None,
        "peak_mb": None,
    }
    try:
        from benchmarks.bench_vectors import measure_vectors
    except ImportError as error:
        return {**absent, "absent": f"benchmarks/bench_vectors.py (measure_vectors) is not there: {error}"}
    if args.no_vectors:
        return {**absent, "absent": "left out (--no-vectors)"}
    passages = args.vector_passages or stored_passages(store)
    try:
        found = measure_vectors(passages, args.keep / f"vectors-{passages}")
    except (Exception, SystemExit) as error:  # a store without vectors (--no-model), or the helper's failure
        log.exception("measure_vectors failed")
        return {**absent, "absent": f"measure_vectors failed: {type(error).__name__}: {error}"}
    return {**found, "source": f"benchmarks/bench_vectors.py measure_vectors({passages}): synthetic vectors"}


# --------------------------------------------------------------------------------------------- profile

# What one document's ingest spends its time on: function name -> stage (cumulative wall time, cProfile).
STAGES = {
    "read_document_limited": "parse (reading, in a worker process)",
    "build_document": "extract (graph; includes the plan classifier's embeddings)",
    "embed_texts": "classifier embeddings (inside extract)",
    "enrich": "Agenda 2030 alignment (embeddings)",
    "prepare_index": "search index (embeddings)",
    "commit_document": "commit (index entry, graph, manifest)",
    "embed_passages": "all passage embeddings (model)",
    "embed_queries": "all query embeddings (model)",
    "ingest_file": "whole document",
}


# Ingest files through the CLI's ``add`` in one process under cProfile (the first file unprofiled: the model
# and the reference data load there); cumulative wall seconds of the functions named in STAGES.
PROFILE_WORKER = """
import cProfile, json, pstats, sys, time
from app.cli import main
store, names, files = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3:]
main(["--store", store, "add", files[0]])
profiler = cProfile.Profile()
started = time.perf_counter()
profiler.enable()
main(["--store", store, "add", *files[1:]])
profiler.disable()
wall = time.perf_counter() - started
totals = {}
for (_, _, name), row in pstats.Stats(profiler).stats.items():
    if name in names:
        totals[name] = totals.get(name, 0.0) + row[3]
print(json.dumps({"wall": wall, "totals": totals}))
"""


def profile_ingest(files: Sequence[Path], folder: Path, args: argparse.Namespace) -> dict:
    """Seconds per document for each ingest stage (``add`` under cProfile, in a child process)."""
    done = run(
        [sys.executable, "-c", PROFILE_WORKER, str(folder), json.dumps(sorted(STAGES)), *map(str, files)],
        args.build_timeout,
        args.rss_limit_mb,
    )
    if not done.ok:
        return {"failed": done.stopped or done.stderr.strip()[-500:]}
    found = json.loads(done.stdout.strip().splitlines()[-1])
    counted = max(len(files) - 1, 1)
    return {
        "documents": counted,
        "seconds_per_document": round(found["wall"] / counted, 2),
        "stage_seconds_per_document": {
            STAGES[name]: round(seconds / counted, 2) for name, seconds in sorted(found["totals"].items())
        },
        "peak_mb": round(done.peak_mb, 1),
        "loadavg": [round(x, 1) for x in os.getloadavg()],
    }


# ------------------------------------------------------------------------------------------------- main


def build(store: Path, corpus: Path, workers: int | None, args: argparse.Namespace) -> Run:
    """``styrkedja build`` of a corpus folder into a store (``--workers`` where the command takes it)."""
    argv = [*CLI, "--store", str(store), "build", "--corpus", str(corpus)]
    if workers and "--workers" in cli_help("build"):
        argv += ["--workers", str(workers)]
    else:
        log.info("build takes no --workers: one process")
    if args.no_model:
        argv.append("--no-model")
    return run(argv, args.build_timeout, args.rss_limit_mb)


def stored_names(store: Path) -> set[str]:
    """The file names a store's manifest holds (empty for a new store)."""
    manifest = store / "manifest.json"
    return set(json.loads(manifest.read_text("utf-8"))["documents"]) if manifest.exists() else set()


def build_size(
    store: Path, corpus: Path, copies: Sequence[scale_corpus.Copy], workers: int, args: argparse.Namespace
) -> tuple[dict, float | None]:
    """Build a size through ``styrkedja build``; its details and documents per second.

    The figures are recorded beside the store (``build-<size>.json``); with ``--reuse``, a size the store
    already holds is not built again and its recorded figures are used.
    """
    record = store.parent / f"build-{len(copies)}.json"
    if args.reuse and record.exists() and {c.name for c in copies} <= stored_names(store):
        saved = json.loads(record.read_text("utf-8"))
        log.info("size %d: built before (%s), not built again", len(copies), record)
        return {**saved["detail"], "reused_build": True}, saved["rate"]
    scale_corpus.write_corpus(copies, corpus)
    before = len(stored_names(store))
    built = build(store, corpus, workers, args)
    added = len(copies) - before
    detail = {
        "documents": len(copies),
        "build_s": round(built.seconds, 1),
        "build_peak_mb": round(built.peak_mb, 1),
        "build_cpu_s": round(built.cpu_s, 1),
        "added": added,
        "build_ok": built.ok,
        "workers": workers if "--workers" in built.argv else 1,
        "build_loadavg": [round(x, 1) for x in os.getloadavg()],
    }
    rate = round(added / built.seconds, 4) if built.ok and added else None
    record.write_text(json.dumps({"detail": detail, "rate": rate}), "utf-8")
    return detail, rate


MARK_CHANGED = """
import sys
try:
    from search.vectors import mark_changed
except ImportError:
    sys.exit(0)
mark_changed(sys.argv[1])
"""


ASSEMBLED = re.compile(r"\.c\d{6}\.trig$")  # the graph file of an assembled copy (see assemble)


def start_from_built(old_keep: Path, keep: Path) -> int:
    """Start ``keep`` from the built documents of another kept run: its built documents' graphs, per-document
    files and search entries, its sources and build records; the assembled copies, the quad index and every
    derived cache are left behind (made again by the measured code). Returns how many documents came along."""
    from search.index import index_file

    old_store, store = old_keep / "store", keep / "store"
    if store.exists():
        raise SystemExit(f"{store} exists; --from-built starts a new --keep folder")
    manifest = json.loads((old_store / "manifest.json").read_text("utf-8"))
    built = {
        name: entry
        for name, entry in manifest["documents"].items()
        if not ASSEMBLED.search(entry["graph_file"])
    }
    (store / "graphs").mkdir(parents=True)
    (store / "search" / "docs").mkdir(parents=True)
    for entry in built.values():
        base = Path(entry["graph_file"]).name[: -len(".trig")]
        for path in (old_store / "graphs").glob(base + ".*"):
            shutil.copy2(path, store / "graphs" / path.name)
        old_index = index_file(old_store / "search", entry["document"])
        if old_index.exists():
            target = index_file(store / "search", entry["document"])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(old_index, target)
    for path in old_store.iterdir():  # reference data and whatever else is not derived from the documents
        if path.name not in {"graphs", "search", "quads", "manifest.json"} and not path.name.startswith(
            ("analyses.sqlite", ".")
        ):
            (shutil.copytree if path.is_dir() else shutil.copy2)(path, store / path.name)
    for path in (old_store / "search").iterdir():
        if path.is_file() and path.suffix == ".npy":  # reference vectors (SDG targets), keyed by content
            shutil.copy2(path, store / "search" / path.name)
    for path in old_keep.iterdir():
        if path.name.startswith(("sources-", "build-")) or path.name == "corpus":
            (shutil.copytree if path.is_dir() else shutil.copy2)(path, keep / path.name)
    write_quick(store / "manifest.json", json.dumps({**manifest, "documents": built}, ensure_ascii=False,
                                                    indent=1).encode("utf-8"))
    return len(built)


# Brings every stored document's per-document files (analysis, profile) up to the measured code's rules before
# they are cloned: an assembled copy must carry what the code would have written for it.
REFRESH_WORKER = """
import importlib, re, sys
from graph.store import Store
store = Store(sys.argv[1])
refreshers = []
for module, name in (("graph.analyses", "load_analysis"), ("graph.profiles", "load_profile")):
    try:
        refreshers.append(getattr(importlib.import_module(module), name))
    except (ImportError, AttributeError):
        pass
assembled = re.compile(sys.argv[2])  # assembled copies get their files cloned from their model instead
for entry in store.documents().values():
    if not assembled.search(entry.graph_file):
        for refresh in refreshers:
            refresh(store, entry)
print(len(refreshers))
"""


def refresh_built(store: Path, args: argparse.Namespace) -> Run:
    """Make the stored documents' per-document files current before they are cloned (a child process)."""
    argv = [sys.executable, "-c", REFRESH_WORKER, str(store), ASSEMBLED.pattern]
    return run(argv, args.build_timeout, args.rss_limit_mb)


def rebuild_derived(store: Path, args: argparse.Namespace) -> Run | None:
    """Rebuild the store's derived indexes from its TriG (``styrkedja rebuild-index``) where it exists, after
    telling the search index that its entry files changed (search.vectors.mark_changed, where it exists)."""
    run([sys.executable, "-c", MARK_CHANGED, str(store / "search")], args.timeout, args.rss_limit_mb)
    if not cli_help("rebuild-index"):
        return None
    return run([*CLI, "--store", str(store), "rebuild-index"], args.build_timeout, args.rss_limit_mb)


def bench(args: argparse.Namespace) -> dict:
    """Build (or assemble) each size and measure it."""
    keep = args.keep
    keep.mkdir(parents=True, exist_ok=True)
    CODE[0] = code_snapshot(keep, args.code)
    use_real_dev = not args.no_real_dev and (scale_corpus.REAL_DEV / "docs").is_dir()
    found = sources(keep, use_real_dev)
    towns = scale_corpus.kommuner()
    sizes = sorted(args.sizes)
    corpus, store = keep / "corpus", keep / "store"
    if args.profile_only:
        copies = scale_corpus.make_copies(found, args.profile + 1, towns, args.seed)
        shutil.rmtree(keep / "profile-store", ignore_errors=True)
        files = scale_corpus.write_corpus(copies[: args.profile + 1], keep / "profile-corpus")
        return {"profile": profile_ingest(files, keep / "profile-store", args)}
    copies = scale_corpus.make_copies(found, sizes[-1], towns, args.seed)
    log.info("%d copies made", len(copies))
    if args.from_built:
        log.info("%d built documents taken from %s", start_from_built(args.from_built, keep), args.from_built)
        args.reuse = True
    if not args.reuse:
        shutil.rmtree(store, ignore_errors=True)
        shutil.rmtree(corpus, ignore_errors=True)
    results, details = [], []
    workers = args.workers or os.cpu_count() or 1
    for size in sizes:
        real = size <= args.real_max
        detail: dict = {"documents": size}
        if real:
            detail, rate = build_size(store, corpus, copies[:size], workers, args)
        else:
            started = time.perf_counter()
            refreshed = refresh_built(store, args)
            if not refreshed.ok:
                log.warning("per-document files not refreshed: %s", refreshed.stderr[-500:])
            recloned = refresh_assembled(store, towns)
            added = assemble(store, copies[:size], corpus, towns)
            if recloned:  # the caches made from the old files are made again on the first read
                for pattern in ("analyses.sqlite*", "profiles.sqlite*"):
                    for path in store.glob(pattern):
                        path.unlink()
            # The quad index follows the TriG files: rebuilt only when graphs were added (or it is missing).
            fresh = added or not (store / "quads").exists()
            rebuilt = rebuild_derived(store, args) if fresh else None
            detail.update(
                assemble_s=round(time.perf_counter() - started, 1),
                added=added,
                recloned_files=recloned,
                rebuild_index_s=round(rebuilt.seconds, 1) if rebuilt else None,
                rebuild_index_peak_mb=round(rebuilt.peak_mb, 1) if rebuilt else None,
            )
            rate = None
        # The first reads after a build bring derived indexes (quads, analyses) up to date: not cold.
        first = [
            sparql(store, SPARQL_COUNT, args),
            run([*CLI, "--store", str(store), "gaps", "--json"], args.timeout, args.rss_limit_mb),
        ]
        if not args.no_model:  # a large index may consolidate its vectors on the first search
            first.append(
                run([*CLI, "--store", str(store), "ask", QUESTIONS[1]], args.timeout, args.rss_limit_mb)
            )
            first.append(  # and the profile cache is made on the first similar
                run([*CLI, "--store", str(store), "similar", probe_document(copies[:size], found).name],
                    args.timeout, args.rss_limit_mb)
            )
        detail.update(first_read_s=[round(r.seconds, 2) for r in first], loadavg=list(os.getloadavg()))
        log.info("size %d: %s; measuring", size, "built" if real else "assembled")
        organisation = history_organisation(copies[:size], found)
        figures, more = measure(store, probe_document(copies[:size], found), args, organisation)
        more["history_organisation"] = organisation
        results.append(
            {
                "documents": size,
                "triples": figures["triples"],
                "store_mb": figures["store_mb"],
                "ingest_docs_per_s": rate,
                "workers": detail.get("workers", 1) if real else 0,
                "cold_sparql_s": figures["cold_sparql_s"],
                "gaps_s": figures["gaps_s"],
                "trace_s": figures["trace_s"],
                "ask_p95_ms": figures["ask_p95_ms"],
                "peak_mb": figures["peak_mb"],
                "assembled": not real,
            }
        )
        details.append({**detail, **more})
        log.info("size %d: %s", size, json.dumps(results[-1]))
    notes = [
        f"sources: {len(found)} documents ("
        + ("corpus and real-dev)" if use_real_dev else "corpus only: real-dev is missing or was left out)"),
        "copies are Markdown (a PDF as read), so PDF reading does not dominate",
        f"sizes above {args.real_max} documents are assembled from the per-document results of the largest"
        " built"
        " size (their graphs and vectors are clones under new IRIs, not readings of the copies)",
    ]
    report = {
        "sizes": results,
        "vectors": vectors_section(store, args),
        "growth": growth(results),
        "details": details,
        "notes": notes,
    }
    if args.profile:
        files = [corpus / copy.name for copy in copies[: args.profile + 1]]
        shutil.rmtree(keep / "profile-store", ignore_errors=True)
        report["profile"] = profile_ingest(files, keep / "profile-store", args)
    return report


GROWN = ("triples", "store_mb", "cold_sparql_s", "gaps_s", "trace_s", "ask_p95_ms", "peak_mb")


def growth(results: Sequence[dict]) -> list[dict]:
    """How each figure grows from one size to the next: the ratio (later / earlier), null where unknown."""
    steps = []
    for before, after in zip(results, results[1:], strict=False):
        ratios = {
            key: round(after[key] / before[key], 2)
            if before.get(key) and after.get(key) is not None
            else None
            for key in GROWN
        }
        steps.append({"from": before["documents"], "to": after["documents"], **ratios})
    return steps


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="JSON output (the default)")
    parser.add_argument(
        "--sizes", default="100,1000,10000", type=lambda s: [int(x) for x in s.split(",") if x.strip()]
    )
    parser.add_argument("--keep", type=Path, help="the folder for the copies and the store (kept afterwards)")
    parser.add_argument("--workers", type=int, help="build --workers N (default: the machine's cores)")
    parser.add_argument(
        "--real-max",
        type=int,
        default=1000,
        help="sizes up to this are built through `styrkedja build`; larger ones are assembled",
    )
    parser.add_argument("--no-real-dev", action="store_true", help="copy the corpus documents only")
    parser.add_argument("--no-model", action="store_true", help="build without the model (no ask figures)")
    parser.add_argument("--no-vectors", action="store_true", help="leave out the vectors section")
    parser.add_argument("--reuse", action="store_true", help="keep the store and copies already in --keep")
    parser.add_argument(
        "--from-built",
        type=Path,
        help="start a new --keep folder from the built documents of this kept run (assembled copies dropped)",
    )
    parser.add_argument(
        "--vector-passages",
        type=int,
        default=1_000_000,
        help="passages of the synthetic vectors section (the issue's 10^6; 0: as many as the largest store)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a measured command may take")
    parser.add_argument("--build-timeout", type=float, default=4 * 3600.0)
    parser.add_argument("--rss-limit-mb", type=float, default=8000.0, help="a command past this is stopped")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        help="also ingest this many copies in-process under cProfile (time per stage)",
    )
    parser.add_argument("--profile-only", action="store_true", help="only the profile (no sizes)")
    parser.add_argument("--code", default="HEAD", help="measure this commit (exported) or folder ('.')")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print JSON."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    if args.keep is None:
        with tempfile.TemporaryDirectory() as tmp:
            args.keep = Path(tmp)
            report = bench(args)
    else:
        report = bench(args)
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
