"""The quality gate: seed and dev scores never fall below the recorded floors.

Floors live in `tests/quality_baseline.json` and only rise
(`python scripts/raise_floors.py` writes the current scores where they are
higher). The gold sets sit in the shared folder beside the repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsgraph.cli import run_extract
from newsgraph.evaluate import Report, evaluate, gold_inputs

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "tests" / "quality_baseline.json"
EVAL = Path(os.environ.get("NEWSGRAPH_EVAL", ROOT.parent / "shared" / "eval"))
SETS = {"seed": EVAL, "dev": EVAL / "dev"}


def score(gold_dir: Path, out_dir: Path) -> dict[str, float]:
    """Extract the gold inputs of one set into `out_dir` and score them."""
    for name, extractions in run_extract([str(p) for p in gold_inputs(gold_dir)]).items():
        with (out_dir / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
            for extraction in extractions:
                handle.write(json.dumps(extraction.to_json()) + "\n")
    return figures(evaluate(gold_dir, out_dir))


def figures(report: Report) -> dict[str, float]:
    accuracy = report.attribute_accuracy()
    return {"entity_f1": report.entities.f1, "fact_f1": report.facts.f1,
            "fact_precision": report.facts.precision, "fact_recall": report.facts.recall,
            "status_accuracy": accuracy.get("status") or 0.0}


@pytest.mark.skipif(not EVAL.is_dir(), reason="gold sets not found beside the repository")
@pytest.mark.parametrize("name", sorted(SETS))
def test_scores_stay_above_floors(name: str, tmp_path: Path) -> None:
    floors = json.loads(BASELINE.read_text())[name]
    scores = score(SETS[name], tmp_path)
    print(f"{name}: " + " ".join(f"{k}={v:.3f}" for k, v in sorted(scores.items())))
    fallen = {k: (round(scores[k], 3), floor) for k, floor in floors.items()
              if scores[k] + 1e-9 < floor}
    assert not fallen, f"{name} fell below its floors (score, floor): {fallen}"
