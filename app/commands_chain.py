"""The `trace` and `gaps` commands (the interface contract); app/cli.py registers them."""

from __future__ import annotations

import argparse
import datetime as dt
import json

EXIT_OK = 0
# The documents `trace` reads at most unless asked for more: a node thousands of documents hold (an Agenda
# 2030 goal, a skollag paragraph, a role) is traced through the first of them, and their number is said.
TRACE_LIMIT = 50


def _store(args: argparse.Namespace):
    from graph.store import Store

    return Store(args.store)


def cmd_trace(args: argparse.Namespace) -> int:
    """Print the chain through one node (IRI or label), up to law and Agenda 2030 and down to owners.

    Reads only the documents the node is in (graph/analysis_index.py), never the whole store: at most --limit
    of them (the first by file name), the rest counted under "scope".
    """
    from app.cli import UserError
    from graph.analysis_index import store_trace
    from graph.chain import ChainError, render_trace, trace_json
    from graph.store import StoreError

    if args.limit is not None and args.limit < 1:
        raise UserError(f"--limit {args.limit}: give at least 1 document")
    limit = None if args.all else args.limit
    try:
        store = _store(args)
        document = store.find(args.document).document if args.document else None
        result = store_trace(store, args.node, limit=limit, document=document)
    except ChainError as error:
        raise UserError(str(error)) from error
    except StoreError as error:
        raise UserError(str(error)) from error
    if args.json:
        print(json.dumps(trace_json(result), ensure_ascii=False, indent=1))
    else:
        print(render_trace(result))
    return EXIT_OK


def _today(text: str | None) -> dt.date:
    from app.cli import UserError

    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--today {text}: not a date (write YYYY-MM-DD)") from None


def cmd_gaps(args: argparse.Namespace) -> int:
    """Print the gap report (every document, or one), optionally of one kind, and the unread documents.

    Answered from the documents' stored analyses (graph/analysis_index.py), never from the whole store.
    """
    from app.cli import UserError
    from graph.analysis_index import store_gaps, store_gaps_json
    from graph.gaps import render_gaps
    from graph.store import StoreError

    today = _today(args.today)
    store = _store(args)
    document = None
    try:
        if args.document:
            document = store.find(args.document).document
        kinds = [args.kind] if args.kind else None
        if args.json:  # printed from the gaps rendered when they were stored
            print(store_gaps_json(store, today, document=document, kinds=kinds))
            return EXIT_OK
        report = store_gaps(store, today, document=document, kinds=kinds)
    except StoreError as error:
        raise UserError(str(error)) from error
    print(render_gaps(report.gaps, None, report.unread, report.sources, report.pages))
    return EXIT_OK


def add_parsers(subparsers) -> None:
    """Register `trace NODE [--json] [--document] [--limit|--all]` and `gaps [--json] [--today] [--document]
    [--kind]`."""
    from graph.gap_kinds import KINDS

    p = subparsers.add_parser(
        "trace", help="the chain through one node (IRI or label): up to law and Agenda 2030, down to owners"
    )
    p.add_argument("node", help="an IRI, or a label (exact, case-insensitive, or a unique part of one)")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
    p.add_argument("--document", help="only within this document (file name, path or IRI)")
    p.add_argument("--limit", type=int, default=TRACE_LIMIT,
                   help=f"read at most this many of the documents holding the node (default {TRACE_LIMIT})")
    p.add_argument("--all", action="store_true", help="read every document holding the node")
    p.set_defaults(func=cmd_trace)

    p = subparsers.add_parser("gaps", help="where the chain is broken: the gap report")
    p.add_argument("--json", action="store_true", help="print the gaps as JSON")
    p.add_argument("--today", help="the date deadlines are judged against (YYYY-MM-DD, default today)")
    p.add_argument("--document", help="only this document (file name, path or IRI)")
    p.add_argument("--kind", choices=KINDS, help="only gaps of this kind")
    p.set_defaults(func=cmd_gaps)
