"""Where extraction runs: a local process pool, or Ray Data on a Ray cluster.

Both take the planned sources and yield one `PageResult` per page in input
order, holding only a bounded number of pages in flight, so memory does not
grow with the input. Both run the same `Extractor` on the same JSON items.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import warnings
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from typing import Any

from newsgraph.batch.sources import Failure, is_archive, read_items
from newsgraph.batch.work import ITEM, RESULT, Extractor, PageResult, decode_result, encode_item
from newsgraph.errors import NewsgraphError

# Chunks in flight per worker: one running, one queued, so no worker waits for the reader.
IN_FLIGHT_PER_WORKER = 2
# Small files read by one Ray read task; an archive is always a task of its own.
FILES_PER_READ_TASK = 64
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
# About a chunk of pages as JSON (a BBC article is 3 KB), or a few pages' extractions.
BLOCK_BYTES = 128 * 1024
DIED = "worker process died (out of memory, or a crash in native code)"


class BatchError(NewsgraphError):
    """The batch cannot run (an engine that is not installed or cannot start)."""


@dataclass(frozen=True)
class EngineOptions:
    workers: int
    chunk: int
    budget: float | None
    ray_address: str | None = None


# --- the local process pool ----------------------------------------------------

_worker: Extractor | None = None


def _start_worker(budget: float | None) -> None:
    global _worker
    _worker = Extractor(budget)


def _extract_chunk(items: list[str]) -> list[str]:
    assert _worker is not None, "the pool initializer loads the extractor"
    return _worker.extract_encoded(items)


def run_local(sources: Iterable[str], options: EngineOptions) -> Iterator[PageResult]:
    """Chunks of pages to a pool of processes, each loading the pipeline once."""
    chunks = _chunks((encode_item(item) for item in read_items(sources)), options.chunk)
    pool = _pool(options)
    pending: deque[tuple[list[str], Future[list[str]]]] = deque()
    try:
        for chunk in chunks:
            pending.append((chunk, pool.submit(_extract_chunk, chunk)))
            if len(pending) >= IN_FLIGHT_PER_WORKER * options.workers:
                pool = yield from _finish_first(pending, pool, options)
        while pending:
            pool = yield from _finish_first(pending, pool, options)
    finally:
        pool.shutdown(cancel_futures=True)


def _pool(options: EngineOptions) -> ProcessPoolExecutor:
    # One core per worker, as Ray gives its actors: BLAS and OpenMP threads of their own
    # would have the workers fight over the cores. Children read it when numpy loads;
    # this process has loaded it already, so the setting changes nothing here.
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    # spawn, not fork: the driver may run threads (progress display, store), which a
    # forked child would inherit mid-lock.
    return ProcessPoolExecutor(options.workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(options.budget,))


def _finish_first(pending: deque[tuple[list[str], Future[list[str]]]],
                  pool: ProcessPoolExecutor,
                  options: EngineOptions) -> Generator[PageResult, None, ProcessPoolExecutor]:
    """Results of the oldest chunk; a dead pool fails that chunk and restarts the rest."""
    chunk, future = pending.popleft()
    try:
        results = future.result()
    except BrokenProcessPool:
        pool.shutdown(cancel_futures=True)
        pool = _pool(options)
        for i, (other, _) in enumerate(pending):
            pending[i] = (other, pool.submit(_extract_chunk, other))
        yield from (_died(item) for item in chunk)
        return pool
    yield from (decode_result(result) for result in results)
    return pool


def _died(encoded: str) -> PageResult:
    where = json.loads(encoded)["where"]
    return PageResult(where, failure=Failure(where, DIED))


def _chunks(items: Iterator[str], size: int) -> Iterator[list[str]]:
    while chunk := list(islice(items, size)):
        yield chunk


# --- Ray -----------------------------------------------------------------------

def run_ray(sources: Iterable[str], options: EngineOptions) -> Iterator[PageResult]:
    """Ray Data: read tasks stream pages from the files, an actor pool extracts them.

    Files are read where the tasks run, so on a cluster the inputs must be at the
    same path on every node (a shared file system). Stdin cannot be read there.
    """
    ray, data = _import_ray()
    started = _init_ray(ray, options)
    try:
        groups = [json.dumps(group) for group in _read_groups(sources)]
        if not groups:
            return
        dataset = (data.from_items([{"sources": g} for g in groups],
                                   override_num_blocks=len(groups))
                   # Reading is cheap next to extraction: no CPU reserved, so the
                   # extractors can have every core.
                   .map_batches(_read_group_pages, fn_kwargs={"chunk": options.chunk},
                                batch_size=1, num_cpus=0)
                   .map_batches(Extractor, fn_constructor_kwargs={"budget": options.budget},
                                batch_size=options.chunk, num_cpus=1,
                                compute=data.ActorPoolStrategy(size=options.workers)))
        with warnings.catch_warnings():
            # Ray guesses the actors' work from the number of input files, before the
            # read tasks split them into blocks; one archive is plenty for many actors.
            warnings.filterwarnings("ignore", "The minimum number of concurrent actors")
            for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
                yield from (decode_result(str(result)) for result in batch[RESULT])
    finally:
        if started:
            ray.shutdown()


def _read_group_pages(batch: dict[str, Any], chunk: int) -> Iterator[dict[str, list[str]]]:
    """A Ray Data generator: the pages of a few files, `chunk` at a time."""
    for group in batch["sources"]:
        items = (encode_item(item) for item in read_items(json.loads(str(group))))
        for pages in _chunks(items, chunk):
            yield {ITEM: pages}


def _read_groups(sources: Iterable[str]) -> Iterator[list[str]]:
    group: list[str] = []
    for source in sources:
        if source == "-":
            raise BatchError("stdin (-) cannot be read by Ray workers; "
                             "use --engine local, or write it to a file")
        if is_archive(source):
            if group:
                yield group
                group = []
            yield [source]
            continue
        group.append(source)
        if len(group) >= FILES_PER_READ_TASK:
            yield group
            group = []
    if group:
        yield group


def _import_ray() -> tuple[Any, Any]:
    try:
        import ray
        import ray.data
    except ImportError as error:
        raise BatchError("Ray is not installed; install the batch extra: "
                         "pip install 'newsgraph[batch]'") from error
    return ray, ray.data


def _init_ray(ray: Any, options: EngineOptions) -> bool:
    """Connect to `ray_address`, or start a local Ray with `workers` CPUs; True if started."""
    if ray.is_initialized():
        _configure_ray_data(ray)
        return False
    try:
        if options.ray_address:
            ray.init(address=options.ray_address, logging_level=logging.WARNING,
                     log_to_driver=False)
        else:
            ray.init(num_cpus=options.workers, include_dashboard=False,
                     logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        raise BatchError(f"cannot start Ray ({options.ray_address or 'local'}): "
                         f"{error}") from error
    _configure_ray_data(ray)
    return True


def _configure_ray_data(ray: Any) -> None:
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # the graph load needs input order
    # Ray Data joins what a task yields into blocks of up to this size, and an actor
    # takes a block at a time: at the default (128 MiB) one archive's read task makes
    # one block, which one actor extracts whole while the others wait.
    context.target_max_block_size = BLOCK_BYTES
    context.enable_progress_bars = False  # the command line shows its own
    context.print_on_execution_start = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
