"""One way to spread independent exact work over forked worker processes.

:func:`forked_map` is ``[function(state, item) for item in items]``, computed
in ``workers`` forked processes when more than one (and where the platform
can fork). ``state`` (expression, LP, solved data...) is set before the fork
and inherited by the workers, so it is never pickled. Every result depends
only on its item and the state, so the output does not depend on which
process computed it or in which order: regenerated files stay byte-identical.

>>> def square(offset, item):
...     return offset + item * item
>>> forked_map(square, [1, 2, 3], workers=1, state=10)
[11, 14, 19]
"""

from __future__ import annotations

import multiprocessing
import signal
from typing import Callable, Sequence

__all__ = ["forked_map", "can_fork", "worker_pool"]

_STATE = None  # (function, state) of the running map, inherited by forked workers


def can_fork() -> bool:
    """Whether worker processes can be forked here."""
    return "fork" in multiprocessing.get_all_start_methods()


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the parent, which stops the pool and reports once
    (otherwise every worker prints its own KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def worker_pool(workers: int):
    """A pool of ``workers`` forked processes that ignore Ctrl-C (the parent handles it)."""
    return multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)


def _call(item):
    function, state = _STATE
    return function(state, item)


def forked_map(function: Callable, items: Sequence, workers: int, state=None,
               progress: Callable[[int, int], None] | None = None, chunksize: int = 1) -> list:
    """``[function(state, item) for item in items]`` in order, with ``workers`` processes.

    ``function`` must be a module-level function (workers receive it by name).
    ``progress(done, total)`` is called in the parent as results arrive.
    """
    global _STATE
    items = list(items)
    results = []
    previous, _STATE = _STATE, (function, state)
    try:
        if workers > 1 and len(items) > 1 and can_fork():
            with worker_pool(workers) as pool:
                for result in pool.imap(_call, items, chunksize=chunksize):
                    results.append(result)
                    if progress is not None:
                        progress(len(results), len(items))
            return results
        for item in items:
            results.append(function(state, item))
            if progress is not None:
                progress(len(results), len(items))
        return results
    finally:
        _STATE = previous
