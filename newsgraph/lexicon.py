"""Loading of the package's data files (lexicons, patterns, gazetteer), once."""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources
from typing import Any

import yaml

DATA = resources.files("newsgraph") / "data"


@cache
def load_yaml(name: str) -> Any:
    """A YAML data file of the package, parsed once per process."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    """A CSV data file of the package as rows keyed by header, parsed once."""
    text = (DATA / name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))
