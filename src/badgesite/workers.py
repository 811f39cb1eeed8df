"""Work spread over forked worker processes that inherit what they need.

A build's large inputs (the site, its ledger records, the renderer) are never sent
to a worker: it is forked with them in memory, and only small tasks and their
results travel. Where the platform cannot fork, the caller does the work itself.
"""
from __future__ import annotations

import gc
import os
from typing import Callable, Iterable, Iterator

_WORK: tuple | None = None  # (function, shared), set while a pool runs: inherited, never pickled


def jobs(wanted: int | None = None) -> int:
    """How many processes to use: `wanted`, or one per CPU; 1 where there is no fork."""
    count = wanted or os.cpu_count() or 1
    if count < 2:
        return 1
    import multiprocessing  # only here: an import that a build of one award should not pay

    return count if "fork" in multiprocessing.get_all_start_methods() else 1


def shares(items: list, processes: int, smallest: int = 50) -> list[list]:
    """`items` cut into parts for `processes` workers, large first and smaller towards
    the end (guided scheduling): few parts to hand out, and the workers finish together,
    where equal parts would leave one idle for up to a part's time at the end."""
    parts, start = [], 0
    while start < len(items):
        size = max(smallest, (len(items) - start) // (processes * 4))
        parts.append(items[start:start + size])
        start += size
    return parts


def fork_map(function: Callable, shared, tasks: Iterable, processes: int, ordered: bool = True) -> Iterator:
    """function(shared, task) for every task, in `processes` forked workers; the results
    in the order of the tasks, or as they come when not `ordered`."""
    global _WORK
    import multiprocessing

    _WORK = (function, shared)
    # what exists now is never collected in a worker: the collector would touch every
    # object, and so copy every page the worker shares with this process
    gc.freeze()
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from (pool.imap if ordered else pool.imap_unordered)(_run, tasks)
    finally:
        _WORK = None
        gc.unfreeze()


def _run(task):
    function, shared = _WORK
    return function(shared, task)
