"""The package's one progress display (no dependency), on stderr.

A :class:`Progress` is called as ``progress(done, total)``, or
``progress(done, total, detail)`` to say what is under way inside a long item
(``"paper-n8: 5/18 representatives"``). On a terminal it draws a live bar
(label, bar, count, elapsed time, rate or detail), redrawn at most ten times a
second, so it moves within long items; when stderr is not a terminal (piped, CI) it writes a few
plain lines (at 25 %, 50 %, 75 % and 100 %); disabled, it writes nothing.
Library functions take an optional ``progress`` callable and never print;
the command line decides whether to show one (``--quiet`` turns it off).

>>> import io
>>> stream = io.StringIO()
>>> bar = Progress("pairs", stream=stream)
>>> for done in range(1, 5):
...     bar(done, 4)
>>> [line.split(" (")[0] for line in stream.getvalue().splitlines()]
['pairs: 1/4', 'pairs: 2/4', 'pairs: 3/4', 'pairs: 4/4']
"""

from __future__ import annotations

import shutil
import sys
import time

__all__ = ["Progress"]


class Progress:
    """Callable ``progress(done, total)`` for one named task.

    Args:
        label: what is being counted (``"certificates/lemma11"``).
        enabled: False for no output at all.
        stream: where to write (default stderr).
        unit: the counted unit, shown with the rate (``"rounds"``).
    """

    def __init__(self, label: str, enabled: bool = True, stream=None, unit: str = "") -> None:
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.unit = unit
        self.live = enabled and getattr(self.stream, "isatty", lambda: False)()
        self.start = time.monotonic()
        self._last_quarter = -1
        self._last_draw = 0.0

    def __call__(self, done: int, total: int, detail: str | None = None) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        elapsed = now - self.start
        if self.live:
            if done < total and now - self._last_draw < 0.1:
                return
            self._last_draw = now
            width = 30
            filled = width * min(done, total) // total
            rate = f"  {done / elapsed:,.0f} {self.unit}/s" if self.unit and elapsed > 0 else ""
            note = f"  {detail}" if detail and done < total else ""
            line = (f"{self.label:<24} [{'#' * filled}{'.' * (width - filled)}] "
                    f"{done}/{total} {elapsed:6.1f}s{rate}{note}")
            # A line wider than the terminal would wrap, and the next carriage return
            # would redraw only its last row: cut it to the terminal's width.
            columns = shutil.get_terminal_size((80, 24)).columns
            self.stream.write(f"\r{line[:max(columns - 1, 20)]}\033[K")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
            return
        quarter = 4 * done // total
        if quarter != self._last_quarter and (quarter > 0 or done == total):
            self._last_quarter = quarter
            self.stream.write(f"{self.label}: {done}/{total} ({elapsed:.1f}s)\n")
            self.stream.flush()
