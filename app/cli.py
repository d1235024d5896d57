"""The `styrkedja` command line (contract: ../shared/CONTRACT.md, kept in the README)."""

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


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for all commands."""
    from ingest.reader import DEFAULT_MAX_PAGES

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


if __name__ == "__main__":
    sys.exit(main())
