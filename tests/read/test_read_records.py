"""news-please style JSON and JSON Lines records."""

from __future__ import annotations

import json
from pathlib import Path

from newsgraph.errors import InputError
from newsgraph.model import Page
from newsgraph.read import read_inputs

RECORD = {"url": "https://example.com/a", "title": "Acme buys Widget",
          "date_publish": "2025-07-30 12:00:00", "maintext": "Acme bought Widget.\r\nMore."}


def read_all(path: Path) -> list[Page | InputError]:
    return list(read_inputs([str(path)]))


def test_json_object(tmp_path: Path) -> None:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(RECORD))
    assert read_all(path) == [Page(input="acme.json", text="Acme bought Widget.\nMore.",
                                   title="Acme buys Widget", published="2025-07-30",
                                   url="https://example.com/a")]


def test_json_list_with_fallback_text_keys_and_null_date(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    records = [RECORD, {"text": "From text.", "date_publish": None, "title": None},
               {"description": "From description.", "date_publish": "2025-07-30"},
               {"title": "No body", "maintext": "  "}]
    path.write_text(json.dumps(records))
    results = read_all(path)
    pages = [r for r in results if isinstance(r, Page)]
    assert [p.text for p in pages] == ["Acme bought Widget.\nMore.", "From text.",
                                       "From description."]
    assert {p.input for p in pages} == {"many.json"}
    assert pages[1].published is None and pages[1].title is None
    assert pages[2].published == "2025-07-30"
    error = results[3]
    assert isinstance(error, InputError)
    assert (error.source, error.reason) == (str(path), "no text in record 4")


def test_jsonl_with_a_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [json.dumps({"maintext": "one"}), '{"maintext": "two"', "",
             json.dumps({"maintext": "three", "date_publish": "garbage"}), "[1, 2]"]
    path.write_text("\n".join(lines))
    results = read_all(path)
    assert [r.text for r in results if isinstance(r, Page)] == ["one", "three"]
    errors = [r.reason for r in results if isinstance(r, InputError)]
    assert len(errors) == 2
    assert errors[0].startswith("malformed JSON at line 2: ")
    assert errors[1] == "record 5 is not a JSON object"
    assert results[2].published is None  # type: ignore[union-attr]


def test_ndjson_and_json_holding_lines(tmp_path: Path) -> None:
    body = json.dumps({"maintext": "one"}) + "\n" + json.dumps({"maintext": "two"}) + "\n"
    (tmp_path / "a.ndjson").write_text(body)
    (tmp_path / "b.json").write_text(body)
    texts = [r.text for r in read_inputs([str(tmp_path)]) if isinstance(r, Page)]
    assert texts == ["one", "two", "one", "two"]


def test_malformed_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "maintext": "x",\n  oops\n}')
    [error] = read_all(path)
    assert isinstance(error, InputError)
    assert error.reason.startswith("malformed JSON at line 3: ")


def test_deeply_nested_json_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    [error] = read_all(path)
    assert isinstance(error, InputError)
    assert error.reason.startswith("malformed JSON")


def test_dev_set_records() -> None:
    folder = Path("/work/shared/eval/dev")
    if not folder.is_dir():
        return
    results = list(read_inputs([str(folder)]))
    assert results and all(isinstance(r, Page) and r.text.strip() for r in results)
    assert all(not r.input.endswith(".gold.json") for r in results)  # type: ignore[union-attr]
