"""Running independent tasks on the local cores or on a Dask distributed cluster, results as they finish.

``map_unordered(function, shared, items)`` calls ``function(shared, item)`` for every item and yields
the results in completion order. ``shared`` (the instance JSON) is sent once per worker process, not
once per task. ``function`` must be a module-level function (it is pickled by reference).

* ``jobs`` > 1: a :class:`~concurrent.futures.ProcessPoolExecutor` with the ``spawn`` start method (no
  fork of a process that may hold CP-SAT or progress-bar threads); a script calling it needs the
  ``if __name__ == "__main__":`` guard, as ``schedule`` has;
* ``jobs`` == 1: in this process, one after the other;
* ``dask_address`` (``tcp://host:8786``): tasks go to that Dask scheduler; its workers need this package
  importable. ``dask[distributed]`` is an optional dependency.

Closing the iterator early (an exception, Ctrl-C) cancels what has not started.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import uuid
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Output = TypeVar("Output")

_SHARED: dict[str, Any] = {}


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def default_jobs(solver_workers: int) -> int:
    """Tasks in parallel on this machine: usable cores // CP-SAT workers per solve (at least 1)."""
    return max(1, usable_cores() // max(1, solver_workers))


def _init_worker(shared: Any, log_level: int) -> None:
    _SHARED["value"] = shared
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")


def _call_in_worker(function: Callable[[Any, Any], Any], item: Any) -> Any:
    return function(_SHARED["value"], item)


def _local(function: Callable[[Any, Item], Output], shared: Any, items: Sequence[Item],
           jobs: int) -> Generator[Output, None, None]:
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            yield function(shared, item)
        return
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context, initializer=_init_worker,
                                   initargs=(shared, logging.getLogger().getEffectiveLevel()))
    try:
        pending: set[Future[Output]] = {executor.submit(_call_in_worker, function, item) for item in items}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _dask(function: Callable[[Any, Item], Output], shared: Any, items: Sequence[Item], address: str,
          label: str) -> Generator[Output, None, None]:
    try:
        from dask.distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("--dask needs Dask's distributed scheduler: pip install 'dask[distributed]'") from None
    client = Client(address)
    futures: list[Any] = []
    try:
        scattered = client.scatter(shared, broadcast=True)
        token = uuid.uuid4().hex[:12]  # never reuse a key of an earlier call that the cluster may still hold
        futures = [
            client.submit(function, scattered, item, key=f"{label}-{token}-{position}", pure=False)
            for position, item in enumerate(items)
        ]
        logger.info("%d tasks sent to the Dask scheduler at %s", len(futures), address)
        for future in as_completed(futures):
            yield future.result()
    finally:
        if futures:
            client.cancel(futures)
        client.close()


def map_unordered(
    function: Callable[[Any, Item], Output],
    shared: Any,
    items: Sequence[Item],
    *,
    jobs: int = 1,
    dask_address: str | None = None,
    label: str = "schedule",
) -> Generator[Output, None, None]:
    """``function(shared, item)`` for every item, yielded as they finish (see the module's description)."""
    if dask_address:
        return _dask(function, shared, items, dask_address, label)
    return _local(function, shared, items, jobs)
