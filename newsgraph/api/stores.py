"""One store per worker thread: a SQLite connection is not shared between threads."""

from __future__ import annotations

import threading

from newsgraph.graph.store import GraphStore, open_store


class Stores:
    """Opens the graph at `db` once per thread that asks, and closes them all at the end.

    After `close` (the app's shutdown) a thread that asks again gets a new store:
    an app can be started again, as test clients do.
    """

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._local = threading.local()
        self._opened: list[GraphStore] = []
        self._generation = 0
        self._lock = threading.Lock()

    def get(self) -> GraphStore:
        store: GraphStore | None = getattr(self._local, "store", None)
        if store is None or getattr(self._local, "generation", -1) != self._generation:
            store = open_store(self.db)
            with self._lock:
                self._opened.append(store)
                self._local.store, self._local.generation = store, self._generation
        return store

    def close(self) -> None:
        with self._lock:
            opened, self._opened = self._opened, []
            self._generation += 1
        for store in opened:
            store.close()
