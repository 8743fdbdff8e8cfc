"""`newsgraph batch`: a thin shell over `newsgraph.batch.run_batch`.

`register(app)` adds the command to the main Typer app, as `graph_cli` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from newsgraph.batch import ENGINES, BatchOptions, BatchReport, Engine, run_batch
from newsgraph.console import err, out, show_error
from newsgraph.errors import NewsgraphError
from newsgraph.graph_cli import TimeBudgetOption
from newsgraph.pipeline import DEFAULT_TIME_BUDGET

# Failures printed one per line; the rest are counted (all are in DIR/failures.jsonl).
SHOWN_FAILURES = 20


def batch_command(
    inputs: Annotated[list[str], typer.Argument(
        help="JSON Lines or Parquet archives, files, directories (- for stdin, local only).")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the Parquet datasets.")],
    engine: Annotated[str, typer.Option(help="local (a process pool) or ray.")] = "local",
    workers: Annotated[int | None, typer.Option(
        min=1, help="Worker processes or Ray actors (default: the CPUs here).")] = None,
    ray_address: Annotated[str | None, typer.Option(
        "--ray-address", help="A Ray cluster: auto (on a node of it) or ray://HEAD:10001.")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="Also load the graph: a SQLite file or a postgresql:// URL.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    time_budget: TimeBudgetOption = DEFAULT_TIME_BUDGET,
) -> None:
    """Extract archives on many cores or a Ray cluster: Parquet out, and the graph with --db."""
    if engine not in ENGINES:
        raise typer.BadParameter("expected local or ray", param_hint="--engine")
    defaults = BatchOptions(out=out_dir)
    options = BatchOptions(out=out_dir, engine=cast(Engine, engine),
                           workers=workers or defaults.workers, ray_address=ray_address,
                           db=db, budget=time_budget or None)
    try:
        report = _run(inputs, options)
    except NewsgraphError as error:
        show_error(error)
        raise typer.Exit(2) from error
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        _print_report(report)
    if report.failures:
        raise typer.Exit(1)


def _run(inputs: list[str], options: BatchOptions) -> BatchReport:
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(f"starting {options.engine} workers", total=None)

        def advance(pages: int, documents: int) -> None:
            progress.update(task, description=f"{pages} pages, {documents} documents")

        return run_batch(inputs, options, advance)


def _print_report(report: BatchReport) -> None:
    for failure in report.failure_list[:SHOWN_FAILURES]:
        err.print(f"[red]failed[/red]: {escape(failure.where)}: {escape(failure.reason)}")
    if report.failures > SHOWN_FAILURES:
        err.print(f"... and {report.failures - SHOWN_FAILURES} more failures, all in "
                  f"{report.out}/failures.jsonl")
    data = report.to_json()
    out.print(f"{report.pages} pages, {report.documents} documents, {report.entities} entities, "
              f"{report.facts} facts, {report.failures} failures in {data['seconds']} s "
              f"({data['documents_per_second']} documents/s, {report.engine}, "
              f"{report.workers} workers) -> {report.out}")
    if report.graph is not None:
        graph = report.graph
        out.print(f"graph: {graph.documents_new} new documents "
                  f"({graph.documents_near_duplicate} near-duplicates), "
                  f"{graph.documents_duplicate} already stored; {graph.entities_new} new "
                  f"entities, {graph.facts_new} new facts, {graph.statements_new} statements "
                  f"-> {report.db}")


def register(app: typer.Typer) -> None:
    app.command("batch")(batch_command)
