"""read_inputs never raises on arbitrary bytes, and reads real pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read import read_inputs

BENCHMARK = Path("/work/shared/data/article-extraction-benchmark/html")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000) | st.text(max_size=500).map(str.encode),
       suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl", ".md"]))
def test_arbitrary_bytes_never_raise(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    for result in read_inputs([str(path)]):
        assert isinstance(result, Page | InputError)
        if isinstance(result, Page):
            assert result.text.strip()


@pytest.mark.skipif(not BENCHMARK.is_dir(), reason="benchmark pages not present")
def test_real_pages() -> None:
    paths = sorted(BENCHMARK.glob("*.html.gz"))[:5]
    results = list(read_inputs(str(p) for p in paths))
    assert len(results) == 5
    for path, page in zip(paths, results, strict=True):
        assert isinstance(page, Page), page
        assert page.input == path.name
        assert len(page.text) > 200
