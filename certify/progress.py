"""A small progress display on stderr (no dependency): a live bar on a
terminal, a few plain lines otherwise, nothing when disabled."""

from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """Callable ``progress(done, total)`` for one named task."""

    def __init__(self, label: str, enabled: bool = True, stream=None) -> None:
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.live = enabled and getattr(self.stream, "isatty", lambda: False)()
        self.start = time.perf_counter()
        self._last_reported = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        elapsed = time.perf_counter() - self.start
        if self.live:
            width = 30
            filled = width * done // total
            self.stream.write(f"\r{self.label:<24} [{'#' * filled}{'.' * (width - filled)}] "
                              f"{done}/{total} {elapsed:6.1f}s")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
            return
        quarter = 4 * done // total
        if quarter != self._last_reported and (quarter > 0 or done == total):
            self._last_reported = quarter
            self.stream.write(f"{self.label}: {done}/{total} ({elapsed:.1f}s)\n")
            self.stream.flush()
