"""The `trace` and `gaps` commands (the interface contract); app/cli.py registers them."""

from __future__ import annotations

import argparse
import datetime as dt
import json

EXIT_OK = 0


def _chain(args: argparse.Namespace):
    from graph.chain import ChainGraph
    from graph.store import Store, StoreError

    try:
        return ChainGraph(Store(args.store).dataset())
    except StoreError as error:
        from app.cli import UserError

        raise UserError(str(error)) from error


def cmd_trace(args: argparse.Namespace) -> int:
    """Print the chain through one node (IRI or label), up to law and Agenda 2030 and down to owners."""
    from app.cli import UserError
    from graph.chain import ChainError, render_trace, trace, trace_json

    chain = _chain(args)
    try:
        result = trace(chain, args.node)
    except ChainError as error:
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
    """Print the gap report (every document, or one), optionally of one kind, and the unread documents."""
    from app.cli import UserError
    from graph.gaps import find_gaps, gaps_json, render_gaps, unread_documents
    from graph.store import Store, StoreError

    today = _today(args.today)
    document = None
    if args.document:
        try:
            document = Store(args.store).find(args.document).document
        except StoreError as error:
            raise UserError(str(error)) from error
    chain = _chain(args)
    unenriched = [e.document for e in Store(args.store).documents().values() if not e.enriched]
    gaps = find_gaps(chain, today, document=document, kinds=[args.kind] if args.kind else None,
                     unenriched=unenriched)
    unread = unread_documents(chain, document=document)  # no plan gaps computed for these: say so
    if args.json:
        print(json.dumps(gaps_json(gaps, unread), ensure_ascii=False, indent=1))
    else:
        print(render_gaps(gaps, chain, unread))
    return EXIT_OK


def add_parsers(subparsers) -> None:
    """Register `trace NODE [--json]` and `gaps [--json] [--today] [--document] [--kind]`."""
    from graph.gaps import KINDS

    p = subparsers.add_parser(
        "trace", help="the chain through one node (IRI or label): up to law and Agenda 2030, down to owners"
    )
    p.add_argument("node", help="an IRI, or a label (exact, case-insensitive, or a unique part of one)")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
    p.set_defaults(func=cmd_trace)

    p = subparsers.add_parser("gaps", help="where the chain is broken: the gap report")
    p.add_argument("--json", action="store_true", help="print the gaps as JSON")
    p.add_argument("--today", help="the date deadlines are judged against (YYYY-MM-DD, default today)")
    p.add_argument("--document", help="only this document (file name, path or IRI)")
    p.add_argument("--kind", choices=KINDS, help="only gaps of this kind")
    p.set_defaults(func=cmd_gaps)
