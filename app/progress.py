"""Progress of an ingest run: documents done, pages per second and time left.

On a terminal a tqdm bar on stderr; elsewhere (a log file, CI) one log line per document instead.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import IO

log = logging.getLogger(__name__)


def rate_and_left(done: int, total: int, pages: int, seconds: float) -> tuple[float, float | None]:
    """Pages per second so far, and the seconds left at the documents' pace so far (None before the first)."""
    per_s = pages / seconds if seconds > 0 else 0.0
    left = (total - done) * seconds / done if done else None
    return per_s, left


def clock(seconds: float | None) -> str:
    """Seconds as m:ss (or h:mm:ss); "?" when unknown."""
    if seconds is None:
        return "?"
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class IngestProgress:
    """A callable for app.pipeline's ``progress`` (name, pages) that shows how a run goes."""

    def __init__(self, total: int, what: str, stream: IO[str] | None = None, tty: bool | None = None):
        from tqdm import tqdm

        stream = stream or sys.stderr
        self.total, self.what = total, what
        self.done = self.pages = 0
        self.started = time.monotonic()
        self.tty = stream.isatty() if tty is None else tty
        self.bar = tqdm(total=total, desc=what, unit="doc", file=stream, disable=not self.tty, leave=False,
                        dynamic_ncols=True)

    def __call__(self, name: str, pages: int = 0) -> None:
        """Count one file done (``pages`` read from it; 0 when it was not read)."""
        self.done += 1
        self.pages += pages
        per_s, left = rate_and_left(self.done, self.total, self.pages, time.monotonic() - self.started)
        if self.tty:
            self.bar.update(1)
            self.bar.set_postfix_str(f"{per_s:.1f} pages/s, {name}")  # redrawn: a document takes seconds
        else:
            log.info("%s: %d/%d documents, %.1f pages/s, %s left", self.what, self.done, self.total, per_s,
                     clock(left))

    def close(self) -> None:
        """Take the bar off the terminal."""
        self.bar.close()
