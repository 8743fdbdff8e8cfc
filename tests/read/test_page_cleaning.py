"""Main-text quality of the HTML reader on real pages: never worse than plain trafilatura.

The full measurement (181 pages, several variants) is `bench/page_cleaning.py`;
this is its fast guard on five pages.
"""

from __future__ import annotations

import gzip
import importlib.util
import logging
import sys
from pathlib import Path
from types import ModuleType

import pytest
import trafilatura

BENCH = Path(__file__).resolve().parents[2] / "bench" / "page_cleaning.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("page_cleaning", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


page_cleaning = _bench()
pytestmark = pytest.mark.skipif(not (page_cleaning.DATA / "ground-truth.json").is_file(),
                                reason="article extraction benchmark not present")


def test_shingle_metric() -> None:
    match = page_cleaning.shingle_match
    assert match("one two three four five", "one two three four five") == (1.0, 0.0, 0.0)
    assert match("", "one two three four five") == (0.0, 1 / 3, 2 / 3)  # 1 empty shingle vs 2
    tp, fp, fn = match("one two three four five six", "one two three four five")
    assert (tp, fp, fn) == (2 / 3, 1 / 3, 0.0)


def test_main_text_not_worse_than_trafilatura() -> None:
    logging.disable(logging.WARNING)
    try:
        ours, plain = page_cleaning.Score(), page_cleaning.Score()
        for key, path, gold in page_cleaning.gold_pages(limit=5):
            html = gzip.decompress(path.read_bytes()).decode("utf-8")
            plain.add(key, trafilatura.extract(html) or "", gold)
            page = page_cleaning.read_page(path)
            assert page is not None, path
            ours.add(key, page.text, gold)
    finally:
        logging.disable(logging.NOTSET)
    assert ours.f1 >= plain.f1 - 0.02, (ours.to_json(), plain.to_json())
