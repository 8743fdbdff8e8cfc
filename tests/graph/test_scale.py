"""The scale benchmark's generator and measurements, on a small graph (slow: ~10 s)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "graph_scale.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("graph_scale", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_synthetic_graph_is_built_and_queried(tmp_path: Path) -> None:
    bench = _bench()
    result = bench.run(3000, tmp_path, seed=1, samples=50, progress=False)
    stats = result["stats"]
    assert result["facts_written"] == 3000 and stats["documents"] == result["documents"]
    assert stats["statements"] > 0.99 * 3000  # only a fact repeated in one document folds
    assert stats["facts"] < stats["statements"]  # re-reports fold into their fact
    assert stats["entities"] > 0.95 * 300  # invented names rarely resolve to one another
    assert result["entity"]["p95_ms"] < 50  # the goal, with a wide margin at this size
