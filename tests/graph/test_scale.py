"""The scale benchmark's generator and measurements, on a small graph (slow: ~10 s)."""

from __future__ import annotations

from pathlib import Path

import graph_scale
import pytest


@pytest.mark.slow
def test_synthetic_graph_is_built_and_queried(tmp_path: Path) -> None:
    result = graph_scale.run(3000, tmp_path, seed=1, samples=50, progress=False)
    stats = result["stats"]
    assert result["facts_written"] == 3000 and stats["documents"] == result["documents"]
    assert stats["statements"] > 0.99 * 3000  # only a fact repeated in one document folds
    assert stats["facts"] < stats["statements"]  # re-reports fold into their fact
    assert stats["entities"] > 0.95 * 300  # invented names rarely resolve to one another
    assert result["entity"]["p95_ms"] > 0  # measured (how fast is BENCHMARKS.md's business)
