"""Schemathesis against the app's own OpenAPI schema: generated requests to every API
operation, valid and invalid ones, never get a server error, and every answer matches
the schema it promises.

The operations are driven through Hypothesis here rather than with schemathesis'
pytest plugin, whose lazy fixture loading does not run on this pytest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from newsgraph.api.app import create_app

EXAMPLES = 25  # per operation and mode


@pytest.fixture(scope="module")
def api_schema(graph_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    path = Path(tmp_path_factory.mktemp("fuzz")) / "graph.db"  # ingest writes: a copy
    with sqlite3.connect(graph_db) as source, sqlite3.connect(path) as target:
        source.backup(target)
    app = create_app(str(path))
    yield schemathesis.openapi.from_asgi("/api/openapi.json", app)
    app.state.jobs.shutdown()
    app.state.stores.close()


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def test_the_schema_has_every_operation(api_schema: Any) -> None:
    assert len(_operations(api_schema)) >= 14


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_no_server_error_and_answers_match_the_schema(api_schema: Any,
                                                      mode: GenerationMode) -> None:
    for operation in _operations(api_schema):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            case.validate_response(response,
                                   checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except Unsatisfiable:
            # An operation with no parameters has no invalid request to make.
            assert mode is GenerationMode.NEGATIVE and not operation.query and (
                not operation.path_parameters and not operation.body), operation.label
