"""The command line, through Typer's test runner: files in, JSON lines and reports out."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsgraph.cli import app
from newsgraph.nlp.pipeline import load_nlp

ARTICLE = "BYD and KG Mobility signed an agreement to set up a joint venture on Sunday.\n"
SUMMARY = re.compile(r"^entities  P=[\d.]+ R=[\d.]+ F1=[\d.]+$")
FACT_SUMMARY = re.compile(r"^facts     P=[\d.]+ R=[\d.]+ F1=[\d.]+  status=\S+ certainty=\S+ "
                          r"when=\S+ amount=\S+$")
GOLD = {
    "input": "deal.txt",
    "published": "2025-03-12",
    "entities": [
        {"name": "BYD", "type": "ORG", "aliases": [], "country": "China"},
        {"name": "KG Mobility", "type": "ORG", "aliases": ["KG Mobility Corp."]},
    ],
    "facts": [
        {"type": "PARTNERSHIP", "args": {"partners": ["BYD", "KG Mobility"]},
         "kind": "joint_venture", "status": "agreed", "certainty": "confirmed",
         "when": "2025-03-09"},
    ],
}


@pytest.fixture(scope="session", autouse=True)
def nlp() -> None:
    load_nlp()  # cached for the whole process: the model loads once


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory, so inputs are named by short relative paths."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "deal.txt").write_text(ARTICLE, encoding="utf-8")
    return tmp_path


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def make_bad_inputs(directory: Path) -> list[str]:
    (directory / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe\x00" * 20)
    (directory / "empty.txt").write_bytes(b"")
    (directory / "broken.json").write_text('{"text": ', encoding="utf-8")
    return ["binary.txt", "empty.txt", "broken.json"]


# extract


def test_extract_prints_json_lines(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(app, ["extract", "deal.txt"])
    assert result.exit_code == 0, result.output
    [record] = json_lines(result.stdout)
    assert set(record) == {"doc", "entities", "facts"}
    assert record["doc"]["input"] == "deal.txt"
    assert record["doc"]["kind"] == "article"
    assert record["doc"]["text"] == ARTICLE.strip()
    names = {e["name"] for e in record["entities"]}
    assert {"BYD", "KG Mobility"} <= names
    assert [f["type"] for f in record["facts"]] == ["PARTNERSHIP"]
    assert isinstance(record["facts"][0]["args"]["partners"], list)


def test_extract_to_a_folder(runner: CliRunner, workdir: Path) -> None:
    (workdir / "second.txt").write_text("Panasonic opened a battery factory in Kansas.\n",
                                        encoding="utf-8")
    result = runner.invoke(app, ["extract", "deal.txt", "second.txt", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    written = sorted(p.name for p in (workdir / "out").iterdir())
    assert written == ["deal.txt.jsonl", "second.txt.jsonl"]
    [record] = json_lines((workdir / "out" / "deal.txt.jsonl").read_text(encoding="utf-8"))
    assert record["doc"]["input"] == "deal.txt"
    assert "2 inputs" in result.stderr


def test_extract_a_folder_of_inputs(runner: CliRunner, workdir: Path) -> None:
    inputs = workdir / "inputs"
    inputs.mkdir()
    (workdir / "deal.txt").rename(inputs / "deal.txt")
    result = runner.invoke(app, ["extract", "inputs", "-o", "out"])
    assert result.exit_code == 0, result.output
    assert (workdir / "out" / "deal.txt.jsonl").is_file()


def test_bad_inputs_are_reported_and_good_ones_written(runner: CliRunner,
                                                       workdir: Path) -> None:
    bad = make_bad_inputs(workdir)
    result = runner.invoke(app, ["extract", *bad, "deal.txt", "-o", "out"])
    assert result.exit_code == 1
    assert (workdir / "out" / "deal.txt.jsonl").is_file()
    assert sorted(p.name for p in (workdir / "out").iterdir()) == ["deal.txt.jsonl"]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == len(bad)
    for name, line in zip(bad, errors, strict=True):
        assert line.startswith(f"error: {name}: ")
        assert len(line) > len(f"error: {name}: ")  # a reason follows


def test_bad_input_on_stdout_run_keeps_the_good_output(runner: CliRunner,
                                                       workdir: Path) -> None:
    make_bad_inputs(workdir)
    result = runner.invoke(app, ["extract", "empty.txt", "deal.txt"])
    assert result.exit_code == 1
    [record] = json_lines(result.stdout)
    assert record["doc"]["input"] == "deal.txt"
    assert "empty.txt" in result.stderr
    assert "empty.txt" not in result.stdout


def test_error_for_a_long_path_is_one_line(runner: CliRunner, workdir: Path) -> None:
    deep = workdir / ("a-rather-long-folder-name-" * 3) / "with-an-empty-input-file"
    deep.mkdir(parents=True)
    empty = deep / "empty-input-file.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["extract", str(empty), "deal.txt", "-o", "out"])
    assert result.exit_code == 1
    assert next(line for line in result.stderr.splitlines() if line.strip()) == (
        f"error: {empty}: empty")


def test_missing_input_is_an_error(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(app, ["extract", "nowhere.txt", "deal.txt"])
    assert result.exit_code == 1
    assert "nowhere.txt" in result.stderr
    assert len(json_lines(result.stdout)) == 1


def test_published_date_applies(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(app, ["extract", "deal.txt", "--published", "2025-03-12"])
    assert result.exit_code == 0, result.output
    [record] = json_lines(result.stdout)
    assert record["doc"]["published"] == "2025-03-12"
    # "on Sunday" resolved against the publication date.
    assert record["facts"][0]["when"] == "2025-03-09"


def test_without_published_date_relative_dates_are_left_out(runner: CliRunner,
                                                             workdir: Path) -> None:
    result = runner.invoke(app, ["extract", "deal.txt"])
    [record] = json_lines(result.stdout)
    assert record["doc"]["published"] is None
    assert "when" not in record["facts"][0]


def test_bad_published_date_is_a_usage_error(runner: CliRunner, workdir: Path) -> None:
    result = runner.invoke(app, ["extract", "deal.txt", "--published", "12/03/2025"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_extract_json_summary(runner: CliRunner, workdir: Path) -> None:
    make_bad_inputs(workdir)
    result = runner.invoke(app, ["extract", "deal.txt", "empty.txt", "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["inputs"] == 1
    assert summary["documents"] == 1
    assert summary["facts"] >= 1
    assert summary["errors"] == [{"input": "empty.txt", "reason": summary["errors"][0]["reason"]}]


# eval


def write_gold(directory: Path) -> Path:
    gold_dir = directory / "gold"
    gold_dir.mkdir()
    (gold_dir / "deal.gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
    return gold_dir


def test_eval_prints_the_two_summary_lines(runner: CliRunner, workdir: Path) -> None:
    gold_dir = write_gold(workdir)
    extracted = runner.invoke(app, ["extract", "deal.txt", "-o", "out",
                                    "--published", "2025-03-12"])
    assert extracted.exit_code == 0, extracted.output
    result = runner.invoke(app, ["eval", str(gold_dir), "out"])
    assert result.exit_code == 0, result.output
    entities, facts = result.stdout.splitlines()[-2:]
    assert SUMMARY.match(entities), entities
    assert FACT_SUMMARY.match(facts), facts
    assert entities == "entities  P=1.000 R=1.000 F1=1.000"
    assert facts.startswith("facts     P=1.000 R=1.000 F1=1.000  status=1.000 certainty=1.000 "
                            "when=1.000 ")


def test_eval_of_an_empty_output_scores_zero_recall(runner: CliRunner, workdir: Path) -> None:
    gold_dir = write_gold(workdir)
    (workdir / "out").mkdir()
    result = runner.invoke(app, ["eval", str(gold_dir), "out"])
    assert result.exit_code == 0, result.output
    entities, facts = result.stdout.splitlines()[-2:]
    assert "R=0.000" in entities
    assert "R=0.000" in facts


def test_eval_run_extracts_the_gold_inputs(runner: CliRunner, workdir: Path) -> None:
    # Gold inputs are news-please records that carry their own publication date.
    gold_dir = workdir / "gold"
    gold_dir.mkdir()
    (gold_dir / "deal.gold.json").write_text(json.dumps({**GOLD, "input": "deal.json"}),
                                             encoding="utf-8")
    record = {"url": None, "title": None, "date_publish": "2025-03-12", "maintext": ARTICLE}
    (gold_dir / "deal.json").write_text(json.dumps(record), encoding="utf-8")
    result = runner.invoke(app, ["eval", str(gold_dir), "--run"])
    assert result.exit_code == 0, result.output
    entities, facts = result.stdout.splitlines()[-2:]
    assert entities == "entities  P=1.000 R=1.000 F1=1.000"
    assert facts.startswith("facts     P=1.000 R=1.000 F1=1.000  status=1.000 certainty=1.000 "
                            "when=1.000 ")


def test_eval_json(runner: CliRunner, workdir: Path) -> None:
    gold_dir = write_gold(workdir)
    runner.invoke(app, ["extract", "deal.txt", "-o", "out", "--published", "2025-03-12"])
    result = runner.invoke(app, ["eval", str(gold_dir), "out", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert isinstance(report, dict)
    assert report


def test_eval_on_an_empty_folder(runner: CliRunner, workdir: Path) -> None:
    (workdir / "nothing").mkdir()
    (workdir / "out").mkdir()
    result = runner.invoke(app, ["eval", "nothing", "out"])
    assert result.exit_code == 2
    assert "nothing" in result.stderr
    assert "gold" in result.stderr.lower()
    assert result.stdout == ""


def test_eval_on_a_malformed_gold_file(runner: CliRunner, workdir: Path) -> None:
    gold_dir = workdir / "gold"
    gold_dir.mkdir()
    (gold_dir / "deal.gold.json").write_text("{not json", encoding="utf-8")
    (workdir / "out").mkdir()
    result = runner.invoke(app, ["eval", "gold", "out"])
    assert result.exit_code == 2
    assert "deal.gold.json" in result.stderr
