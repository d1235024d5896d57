"""The `styrkedja` command line (the interface contract; its commands are listed in the README)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

log = logging.getLogger("styrkedja")

EXIT_OK, EXIT_USER_ERROR, EXIT_USAGE = 0, 1, 2


class UserError(Exception):
    """An error the user can fix (bad file, unknown document); printed as one sentence, exit status 1."""


def default_store() -> str:
    """Return the store folder: $STYRKEDJA_STORE, else ./data."""
    return os.environ.get("STYRKEDJA_STORE") or "data"


OWN_LOGGERS = ("ingest", "ontology", "graph", "search", "app", "styrkedja")


def _configure_logging(verbose: int, quiet: bool) -> None:
    """Libraries log warnings; our own packages log progress (INFO) unless --quiet, everything with -vv."""
    logging.basicConfig(
        level=logging.DEBUG if verbose >= 2 else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if verbose < 2:
        for noisy in ("bm25s", "sentence_transformers", "transformers", "urllib3"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    own = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(own)


def cmd_parse(args: argparse.Namespace) -> int:
    """Print the parsed structure of one or more files."""
    from app.render import render_parsed
    from ingest.reader import ReadOptions, read_many

    options = ReadOptions(max_pages=args.max_pages)
    status = EXIT_OK
    for outcome in read_many(args.files, options):
        if outcome.error is not None:
            print(f"styrkedja: {outcome.error}", file=sys.stderr)
            status = EXIT_USER_ERROR
            continue
        doc = outcome.document
        if args.json:
            print(json.dumps(doc.to_dict(), ensure_ascii=False, indent=1))
        else:
            print(render_parsed(doc))
    return status


def cmd_prepare_model(args: argparse.Namespace) -> int:
    """Resolve the embedding model, building it offline when needed, and report where it is."""
    from search.model import ModelError, prepare_model

    try:
        info = prepare_model(force=args.force)
    except ModelError as error:
        raise UserError(str(error)) from error
    print(f"model ready: {info.source} ({info.path})")
    return EXIT_OK


def _store(args: argparse.Namespace):
    from graph.store import Store

    return Store(args.store)


def _progress(total: int, what: str):
    """Progress of an ingest run: a bar on a terminal (documents, pages/s, time left), else log lines."""
    from app.progress import IngestProgress

    bar = IngestProgress(total, what)
    return bar, bar


def _parallel(args: argparse.Namespace) -> dict:
    """The build/add options of the parallel map: worker processes, or a Dask cluster's address."""
    if args.workers is not None and args.workers < 1:
        raise UserError(f"--workers must be at least 1, not {args.workers}")
    if args.cluster:
        import importlib.util

        from app.cluster import INSTALL_HINT

        if importlib.util.find_spec("distributed") is None:
            raise UserError(f"--cluster: {INSTALL_HINT}")
    from app.parallel import available_cores

    return {"workers": args.workers or available_cores(), "cluster": args.cluster}


def _report(report, verb: str) -> int:
    parts = [
        f"{len(report.added)} added",
        f"{len(report.replaced)} replaced",
        f"{len(report.unchanged)} unchanged",
    ]
    if report.removed:
        parts.append(f"{len(report.removed)} removed")
    if getattr(report, "aliased", None):
        parts.append(f"{len(report.aliased)} another name of a stored document (same content)")
    if report.errors:
        parts.append(f"{len(report.errors)} failed")
    if report.partial:
        parts.append(f"{len(report.partial)} with failed stages")
    print(f"{verb}: " + ", ".join(parts))
    for error in report.errors:
        print(f"styrkedja: {error}", file=sys.stderr)
    for name, failures in report.partial.items():
        stages = "; ".join(f"{f.stage} ({f.error})" for f in failures)
        message = f"{name}: stored, but these stages failed and are retried by the next build: {stages}"
        print(f"styrkedja: {message}", file=sys.stderr)
    return EXIT_OK if report.ok else EXIT_USER_ERROR


def cmd_build(args: argparse.Namespace) -> int:
    """(Re)build the store from a corpus folder, incrementally."""
    from app.pipeline import Services, build_corpus, corpus_files
    from ingest.model import IngestError
    from ingest.reader import ReadOptions

    corpus = Path(args.corpus)
    if not corpus.is_dir():
        raise UserError(f"{corpus}: no such corpus folder")
    from app.cluster import ClusterError

    parallel = _parallel(args)
    bar, step = _progress(len(corpus_files(corpus)), "build")
    try:
        store = _store(args)
        services = Services(store, use_model=not args.no_model)
        report = build_corpus(
            store, corpus, ReadOptions(max_pages=args.max_pages), args.force, step, services, **parallel
        )
    except (IngestError, ClusterError) as error:
        raise UserError(str(error)) from error
    finally:
        bar.close()
    return _report(report, "build")


def cmd_add(args: argparse.Namespace) -> int:
    """Ingest files into the store, replacing a file already there."""
    from app.cluster import ClusterError
    from app.pipeline import Services, add_files
    from ingest.reader import ReadOptions

    parallel = _parallel(args)
    bar, step = _progress(len(args.files), "add")
    store = _store(args)
    options = ReadOptions(max_pages=args.max_pages)
    try:
        report = add_files(
            store, args.files, None, options, args.force, step, Services(store, not args.no_model), **parallel
        )
    except ClusterError as error:
        raise UserError(str(error)) from error
    finally:
        bar.close()
    return _report(report, "add")


def cmd_remove(args: argparse.Namespace) -> int:
    """Remove documents (by file name, path or IRI) and everything extracted from them."""
    from app.pipeline import remove_document
    from graph.store import StoreError

    store = _store(args)
    status = EXIT_OK
    for name in args.documents:
        try:
            entry = remove_document(store, name)
        except StoreError as error:
            print(f"styrkedja: {error}", file=sys.stderr)
            status = EXIT_USER_ERROR
            continue
        print(f"removed: {entry.source_file}")
    return status


EXPORT_FORMATS = {"trig": "trig", "nquads": "nquads", "turtle": "turtle", "jsonld": "json-ld"}


def cmd_export(args: argparse.Namespace) -> int:
    """Write the whole graph (every named graph) in an RDF format, from the store's quad index."""
    from graph.sparql import NAMESPACES
    from graph.store import write_atomic

    index = _store(args).quads()
    data = index.serialize(EXPORT_FORMATS[args.format], NAMESPACES)
    if args.output:
        write_atomic(Path(args.output), data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def cmd_sparql(args: argparse.Namespace) -> int:
    """Run a read-only SPARQL query (text or @file.rq) over the store, within the time and row limits."""
    from app.sparql_runner import limits_from_env, run_for_store
    from graph.sparql import QueryError

    query = args.query
    if query.startswith("@"):
        path = Path(query[1:])
        if not path.is_file():
            raise UserError(f"{path}: no such query file")
        query = path.read_text("utf-8")
    store = _store(args)
    limits = limits_from_env()
    try:
        answer = run_for_store(store, query, limits)  # on STYRKEDJA_SPARQL_ENDPOINT when set
    except QueryError as error:
        raise UserError(str(error)) from error
    if answer.truncated:
        log.warning("only the first %d rows are shown (STYRKEDJA_SPARQL_MAX_ROWS)", limits.max_rows)
    result = answer.to_result()
    if result.type == "ASK":
        print("true" if result.askAnswer else "false")
    elif result.type in ("CONSTRUCT", "DESCRIBE"):
        sys.stdout.write(result.graph.serialize(format="turtle"))
    elif args.format == "json":
        sys.stdout.write(result.serialize(format="json").decode("utf-8") + "\n")
    elif args.format == "csv":
        sys.stdout.write(result.serialize(format="csv").decode("utf-8"))
    else:
        print("\t".join(answer.variables))
        for row in answer.rows:
            print("\t".join("" if value is None else str(value) for value in row))
    return EXIT_OK


def cmd_rebuild_index(args: argparse.Namespace) -> int:
    """Recreate the store's quad index from its TriG files and reference data."""
    import time

    store = _store(args)
    if not store.manifest_path.exists():
        raise UserError(f"{store.folder}: no store here (no manifest.json); run 'styrkedja build' first")
    from graph.profiles import make_profiles

    started = time.perf_counter()
    index = store.rebuild_index()
    print(f"quad index rebuilt: {len(store.documents())} document graphs, {len(index)} quads, "
          f"{time.perf_counter() - started:.1f} s")
    print(f"profiles for similar and history: {make_profiles(store)} documents")
    from graph.analysis_index import rebuild_index as rebuild_analyses

    print(f"analyses for gaps and trace: {rebuild_analyses(store)} documents")
    return EXIT_OK


def cmd_publish(args: argparse.Namespace) -> int:
    """Send every graph of the store to a SPARQL server's Graph Store endpoint (PUT per graph)."""
    import urllib.parse

    from app.export_endpoint import PublishError, graph_store_from_env, publish
    from graph.endpoint import Endpoint, EndpointError, endpoint_from_env

    store = _store(args)
    prune_from = None
    if args.prune:
        try:
            prune_from = Endpoint(args.sparql) if args.sparql else endpoint_from_env()
        except EndpointError as error:
            raise UserError(str(error)) from error
        if prune_from is not None and urllib.parse.urlsplit(prune_from.url).scheme not in ("http", "https"):
            raise UserError(f"{prune_from.name}: --sparql must be an http:// or https:// URL")
        if prune_from is None:
            raise UserError("publish --prune lists the server's graphs with its SPARQL query endpoint: give "
                            "--sparql URL or set STYRKEDJA_SPARQL_ENDPOINT")
    try:
        report = publish(store, graph_store_from_env(args.endpoint), with_reference=not args.no_reference,
                         prune_from=prune_from)
    except PublishError as error:
        raise UserError(str(error)) from error
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        print(f"{report.graphs} graphs ({report.triples} triples) published in {report.seconds:.1f} s")
        if report.removed:
            print(f"{len(report.removed)} graphs of removed documents deleted from the server")
    return EXIT_OK


def _search_index(store):
    from search.index import SearchIndex

    folder = store.folder / "search"
    if not store.documents():
        raise UserError(f"{store.folder}: the store is empty; run 'styrkedja build' or 'styrkedja add' first")
    return SearchIndex(folder)


def _filters(args: argparse.Namespace):
    from search.records import Filters

    return Filters(kommun=args.kommun, organisation=args.organisation, kind=args.doc_type, year=args.year)


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    """The passage with its answering sentences between »« marks."""
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], "»", text[start:end], "«"]
        last = end
    out.append(text[last:])
    return "".join(out)


def cmd_ask(args: argparse.Namespace) -> int:
    """Semantic search: ranked passages with their answering sentences, pages and graph nodes."""
    from search.ask import ask_json, ask_many

    store = _store(args)
    if args.batch:
        path = Path(args.batch)
        if not path.is_file():
            raise UserError(f"{path}: no such question file")
        questions = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    elif args.question:
        questions = [args.question]
    else:
        raise UserError("give a question, or --batch FILE with one question per line")
    index = _search_index(store)
    results = ask_many(store.quads(), index, questions, args.k, _filters(args))  # nodes from the quad index
    for result in results:
        if args.json:
            print(json.dumps(ask_json(result), ensure_ascii=False))
            continue
        print(f"Fråga: {result.query}")
        if not result.results:
            print("  (inga träffar)")
        for answer in result.results:
            page = f", s. {answer.page}" if answer.page else ""
            print(f"\n{answer.rank}. {answer.source_file}{page}  [{answer.score:.3f}]")
            if answer.section:
                print(f"   {answer.section}")
            print("   " + _marked(answer.text, answer.answer_spans))
            for node in answer.nodes:
                print(f"   → {node.type}: {node.label}")
    return EXIT_OK


def cmd_similar(args: argparse.Namespace) -> int:
    """Documents most like one document, with what they share."""
    from graph.profiles import ProfileIndex
    from graph.store import StoreError
    from search.compare import similar_json, similar_stored
    from search.index import SearchIndex

    store = _store(args)
    try:
        entry = store.find(args.document)
    except StoreError as error:
        raise UserError(str(error)) from error
    profiles = ProfileIndex(store)
    try:
        results = similar_stored(profiles, SearchIndex(store.folder / "search"), entry.document, args.k,
                                 cache=store.folder / "profiles")
    finally:
        profiles.close()
    if args.json:
        print(
            json.dumps(similar_json(entry.document, entry.source_file, results), ensure_ascii=False, indent=1)
        )
        return EXIT_OK
    print(f"Dokument som liknar {entry.source_file}:")
    names = {
        "laws": "lagrum",
        "sdg": "Agenda 2030",
        "kinds": "typer av innehåll",
        "roles": "ansvariga roller",
    }
    for r in results:
        print(f"\n{r.score:.3f}  {r.source_file}  (text {r.embedding:.2f}, graf {r.graph:.2f})")
        for kind, labels in r.shared.items():
            print(f"   delar {names.get(kind, kind)}: {', '.join(labels[:8])}")
        for pair in r.passages[:2]:
            print(f"   ”{pair['this'][:90]}” ~ ”{pair['other'][:90]}”")
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    """How an organisation's goals and focus areas changed across the versions of its plans."""
    from graph.versions import series_for
    from search.history import build_history, history_json, render_history, store_chain

    store = _store(args)
    if not store.documents():
        raise UserError(f"{store.folder}: the store is empty; run 'styrkedja build' or 'styrkedja add' first")
    chain = store_chain(store, args.organisation)  # only the graphs of the organisation's plans
    series = series_for(chain, args.organisation)
    if not series:
        raise UserError(
            f"{args.organisation}: no plan or scorecard in the store belongs to an organisation, body or "
            "kommunkod of that name"
        )
    if all(len(s.versions) < 2 for s in series):
        only = series[0].versions[0]
        raise UserError(
            f"{args.organisation}: only one version of each plan is stored ({only.source_file}); a history "
            "needs two versions of the same plan"
        )
    from functools import partial

    from search.model import embed_queries

    # Labels come in batches of every size: one encoder (the full model) for all, not the lean one as well.
    history = build_history(chain, series, partial(embed_queries, lean=False), query=args.organisation)
    if args.json:
        print(json.dumps(history_json(history), ensure_ascii=False, indent=1))
    else:
        print(render_history(history))
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    """Start the Streamlit explorer on the store (blocks until stopped)."""
    import subprocess

    from app.explorer.launch import ROOT, streamlit_command

    store = Path(args.store).resolve()
    if not (store / "manifest.json").exists():
        log.warning("%s holds no documents yet: build the store or upload files in the explorer", store)
    from app.explorer.auth import access_for

    command = streamlit_command(store, args.port, args.address, shared=args.shared)
    mode = access_for(None if args.shared else args.address).mode
    roles = {"local": "everyone may upload and remove (a local address)",
             "admin": "read-only; upload and remove ask for the admin secret",
             "read-only": "read-only (no admin secret is set: STYRKEDJA_ADMIN_PASSWORD[_HASH])"}[mode]
    print(f"Styrkedja: http://{'localhost' if args.address == '0.0.0.0' else args.address}:{args.port}"
          f" — {roles}")
    try:
        return subprocess.call(command, cwd=ROOT)
    except KeyboardInterrupt:
        return EXIT_OK


def cmd_hash_password(args: argparse.Namespace) -> int:
    """Print the scrypt hash of a password read from the terminal or stdin (never from the command line)."""
    import getpass

    from app.explorer.auth import ENV_HASH, hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Admin password: ")
        if getpass.getpass("Again: ") != password:
            raise UserError("the two passwords differ")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("the password is empty")
    print(hash_password(password))
    log.info("set %s to the line above (the password itself is not stored)", ENV_HASH)
    return EXIT_OK


def _parallel_options(p: argparse.ArgumentParser) -> None:
    """--workers and --cluster of build and add."""
    p.add_argument("--workers", type=int, default=None,
                   help="files read, extracted and embedded in parallel (default: the machine's cores)")
    p.add_argument("--cluster", metavar="ADDRESS", default=None,
                   help="run that work on a Dask cluster (tcp://host:8786; needs styrkedja[cluster])")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for all commands."""
    from ingest.model import DEFAULT_MAX_PAGES

    parser = argparse.ArgumentParser(prog="styrkedja", description=__doc__)
    parser.add_argument(
        "--store", default=default_store(), help="store folder (default $STYRKEDJA_STORE or ./data)"
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more logging (-v debug, -vv libraries too)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="print the parsed structure of files, as the reader saw them")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="print the ParsedDocument as JSON")
    p.add_argument(
        "--max-pages",
        type=int,
        default=int(os.environ.get("STYRKEDJA_MAX_PAGES", DEFAULT_MAX_PAGES)),
        help="refuse PDFs with more pages (default $STYRKEDJA_MAX_PAGES or %(default)s)",
    )
    p.set_defaults(func=cmd_parse)

    max_pages = int(os.environ.get("STYRKEDJA_MAX_PAGES", DEFAULT_MAX_PAGES))
    p = sub.add_parser("build", help="(re)build the store from a corpus folder, incrementally")
    p.add_argument("--corpus", default="corpus", help="corpus folder (default: corpus/)")
    p.add_argument("--force", action="store_true", help="re-extract every file, changed or not")
    p.add_argument("--no-model", action="store_true", help="skip the embedding model's work (inferred links)")
    p.add_argument("--max-pages", type=int, default=max_pages, help="refuse PDFs with more pages")
    _parallel_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("add", help="ingest files (.pdf, .txt, .md); a stored file is replaced")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--force", action="store_true", help="re-extract even if unchanged")
    p.add_argument("--no-model", action="store_true", help="skip the embedding model's work (inferred links)")
    p.add_argument("--max-pages", type=int, default=max_pages, help="refuse PDFs with more pages")
    _parallel_options(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("remove", help="remove documents (file name, path or IRI) and all extracted from them")
    p.add_argument("documents", nargs="+")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("export", help="write the whole graph (default TriG to stdout)")
    p.add_argument("--format", choices=sorted(EXPORT_FORMATS), default="trig")
    p.add_argument("-o", "--output", help="write to this file instead of stdout")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("sparql", help="run a read-only SPARQL query (text or @file.rq) on the store")
    p.add_argument("query")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="SELECT result format")
    p.set_defaults(func=cmd_sparql)

    p = sub.add_parser("rebuild-index", help="recreate the store's quad index (SPARQL) from its TriG files")
    p.set_defaults(func=cmd_rebuild_index)

    p = sub.add_parser("publish", help="send the store's graphs to a SPARQL server (Graph Store Protocol)")
    p.add_argument("--endpoint", required=True, help="the Graph Store endpoint, e.g. Virtuoso's "
                   "http://host:8890/sparql-graph-crud-auth (user and password: $STYRKEDJA_PUBLISH_USER, "
                   "$STYRKEDJA_PUBLISH_PASSWORD)")
    p.add_argument("--no-reference", action="store_true", help="send the document graphs only")
    p.add_argument("--prune", action="store_true", help="then delete the server's graphs of documents the "
                   "store no longer has (listed with the SPARQL query endpoint)")
    p.add_argument("--sparql", help="the server's SPARQL query endpoint for --prune (default: "
                   "$STYRKEDJA_SPARQL_ENDPOINT)")
    p.add_argument("--json", action="store_true", help="print what was sent as JSON")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("ask", help="semantic search: passages that answer, with pages and graph nodes")
    p.add_argument("question", nargs="?", help="the question (Swedish or English)")
    p.add_argument("-k", type=int, default=5, help="number of passages (default 5)")
    p.add_argument("--json", action="store_true", help="one JSON object per question")
    p.add_argument("--batch", help="a file with one question per line (the model is loaded once)")
    p.add_argument("--kommun", help="only documents of this municipality")
    p.add_argument("--organisation", help="only documents whose organisation contains this")
    p.add_argument("--doc-type", help="only documents of this kind (verksamhetsplan, protokoll, ...)")
    p.add_argument("--year", type=int, help="only documents about this year")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("similar", help="documents most like one document, and what they share")
    p.add_argument("document", help="file name or document IRI")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("history", help="how an organisation's goals changed across versions of its plans")
    p.add_argument("organisation", help="organisation name, body name or kommunkod")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("app", help="start the Streamlit explorer on the store")
    p.add_argument("--port", type=int, default=int(os.environ.get("STYRKEDJA_PORT", 8501)))
    p.add_argument("--address", default="localhost",
                   help="address to listen on (default localhost); on any other address the explorer is "
                        "read-only unless STYRKEDJA_ADMIN_PASSWORD or STYRKEDJA_ADMIN_PASSWORD_HASH is set")
    p.add_argument("--shared", action="store_true",
                   help="behind a reverse proxy: the shared-server roles even on a loopback address")
    p.set_defaults(func=cmd_app)

    p = sub.add_parser("hash-password", help="print the hash of an admin password for "
                       "STYRKEDJA_ADMIN_PASSWORD_HASH (read from the terminal or stdin)")
    p.set_defaults(func=cmd_hash_password)

    from app.commands_chain import add_parsers as add_chain_parsers

    add_chain_parsers(sub)

    p = sub.add_parser("prepare-model", help="make the embedding model available offline (cached)")
    p.add_argument("--force", action="store_true", help="rebuild the cached model")
    p.set_defaults(func=cmd_prepare_model)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose, args.quiet)
    try:
        return args.func(args)
    except UserError as error:
        print(f"styrkedja: {error}", file=sys.stderr)
        return EXIT_USER_ERROR
    except BrokenPipeError:  # the reader of our output went away (| head): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
