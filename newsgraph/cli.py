"""The command line: a thin shell over the library."""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from newsgraph.batch.cli import register as register_batch
from newsgraph.console import err, set_debug, show_error
from newsgraph.errors import GoldError, InputError, NewsgraphError
from newsgraph.evaluate import evaluate, format_report, gold_inputs, report_to_json
from newsgraph.graph_cli import TimeBudgetOption, register
from newsgraph.model import Extraction
from newsgraph.nlp.dates import parse_published
from newsgraph.pipeline import DEFAULT_TIME_BUDGET, extract_pages
from newsgraph.read import read_inputs
from newsgraph.serve_cli import register as register_serve

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Business news in, a temporal knowledge graph of typed facts out.")
# Show a progress bar from this many inputs on (and only on a terminal).
PROGRESS_FROM = 5


@app.callback()
def _main(debug: Annotated[bool, typer.Option(
        "--debug", help="Show tracebacks with errors (also NEWSGRAPH_DEBUG=1).")] = False) -> None:
    """newsgraph: extract entities and typed facts from business news."""
    set_debug(debug)


# The exit code of a bug (BSD's EX_SOFTWARE), apart from 1 (an input failed, or
# Ctrl-C) and 2 (bad usage, an unusable store).
EXIT_BUG = 70


def main() -> None:
    """The `newsgraph` command: errors as one line each, a bug as a bug report request."""
    try:
        app(prog_name="newsgraph")  # usage errors and Ctrl-C are Typer's: exit 2 and 1
    except NewsgraphError as error:  # raised where no command caught it
        show_error(error)
        sys.exit(1)
    except Exception as error:
        show_error(error, "internal error")
        err.print("This is a bug in newsgraph. Rerun with --debug for the traceback and "
                  "report it with the input that caused it.")
        sys.exit(EXIT_BUG)


register(app)
register_batch(app)
register_serve(app)


ErrorHandler = Callable[[InputError], None]


def run_extract(sources: list[str], published: str | None = None,
                on_error: ErrorHandler | None = None, budget: float | None = None,
                on_page: Callable[[], None] | None = None) -> dict[str, list[Extraction]]:
    """Extractions of every source, grouped by input name.

    Bad inputs, and pages over the time `budget`, go to `on_error`; the rest goes on.
    """
    results: dict[str, list[Extraction]] = defaultdict(list)
    items = (item if isinstance(item, InputError) or item.published or not published
             else replace(item, published=published) for item in read_inputs(sources))
    for result in extract_pages(items, budget):
        if isinstance(result, InputError):
            if on_error:
                on_error(result)
        else:
            page, extractions = result
            results[page.input].extend(extractions)
        if on_page:
            on_page()
    return results


def _write_jsonl(extractions: list[Extraction], out: TextIO) -> None:
    for extraction in extractions:
        out.write(json.dumps(extraction.to_json(), ensure_ascii=False) + "\n")


@app.command("extract")
def extract_command(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, or - for stdin.")],
    out_dir: Annotated[Path | None, typer.Option("-o", "--out", help="Output folder.")] = None,
    published: Annotated[str | None, typer.Option(
        help="Publication date (YYYY-MM-DD) for inputs that state none.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
    table: Annotated[bool, typer.Option("--table", help="Print facts as a table.")] = False,
    time_budget: TimeBudgetOption = DEFAULT_TIME_BUDGET,
) -> None:
    """Extract entities and facts: one JSON object per document, one file per input."""
    if published and parse_published(published) is None:
        raise typer.BadParameter("expected YYYY-MM-DD", param_hint="--published")
    errors: list[InputError] = []

    def report(error: InputError) -> None:
        errors.append(error)
        show_error(error)

    results = _extract_with_progress(inputs, published, report, time_budget or None)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, extractions in results.items():
            with (out_dir / f"{Path(name).name}.jsonl").open("w", encoding="utf-8") as handle:
                _write_jsonl(extractions, handle)
    if table:
        _print_tables(results)
    elif as_json:
        print(json.dumps(_summary(results, errors), ensure_ascii=False))
    elif out_dir is None:
        for extractions in results.values():
            _write_jsonl(extractions, sys.stdout)
    else:
        summary = _summary(results, errors)
        err.print(f"{summary['inputs']} inputs, {summary['documents']} documents, "
                  f"{summary['facts']} facts -> {out_dir}", highlight=False)
    if errors:
        raise typer.Exit(1)


def _extract_with_progress(inputs: list[str], published: str | None, report: ErrorHandler,
                           budget: float | None) -> dict[str, list[Extraction]]:
    if len(inputs) < PROGRESS_FROM and not any(Path(i).is_dir() for i in inputs):
        return run_extract(inputs, published, report, budget)
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("extracting", total=None)
        return run_extract(inputs, published, report, budget,
                           on_page=lambda: progress.advance(task))


def _summary(results: dict[str, list[Extraction]],
             errors: list[InputError]) -> dict[str, Any]:
    docs = [e for extractions in results.values() for e in extractions]
    return {"inputs": len(results), "documents": len(docs),
            "entities": sum(len(e.entities) for e in docs),
            "facts": sum(len(e.facts) for e in docs),
            "errors": [{"input": e.source, "reason": e.reason} for e in errors]}


def _names(value: str | tuple[str, ...], names: dict[str, str]) -> str:
    return ", ".join(names[v] for v in value) if isinstance(value, tuple) else names[value]


def _print_tables(results: dict[str, list[Extraction]]) -> None:
    console = Console()
    if not console.is_terminal:  # a pipe or a file: wide enough for one fact a line
        console = Console(width=180)
    for name, extractions in results.items():
        table = Table(title=name, show_lines=False)
        for column in ("doc", "type", "roles", "status", "certainty", "when", "amount"):
            table.add_column(column)
        for i, extraction in enumerate(extractions):
            names = {e.id: e.name for e in extraction.entities}
            for fact in extraction.facts:
                roles = "; ".join(f"{role}={_names(value, names)}"
                                  for role, value in fact.args.items())
                amount = fact.amount or fact.valuation or fact.capacity
                shown = "" if amount is None else (
                    f"{amount.value:,.0f} {amount.currency or amount.unit}")
                table.add_row(f"{extraction.doc.kind[0]}{i}", fact.type, roles, fact.status,
                              fact.certainty, fact.when or "", shown)
        console.print(table)


@app.command("eval")
def eval_command(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of *.gold.json files.")],
    out_dir: Annotated[Path | None, typer.Argument(help="Folder of <input>.jsonl outputs.")] = None,
    run: Annotated[bool, typer.Option("--run", help="Extract the gold inputs first.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    detail: Annotated[bool, typer.Option("--detail", help="List missed and extra facts.")] = False,
) -> None:
    """Score extractor output against gold files (the ontology's scoring rule)."""
    try:
        if run or out_dir is None:
            with tempfile.TemporaryDirectory() as tmp:
                results = run_extract([str(p) for p in gold_inputs(gold_dir)])
                for name, extractions in results.items():
                    with (Path(tmp) / f"{name}.jsonl").open("w", encoding="utf-8") as handle:
                        _write_jsonl(extractions, handle)
                report = evaluate(gold_dir, Path(tmp))
        else:
            report = evaluate(gold_dir, out_dir)
    except GoldError as error:
        show_error(error)
        raise typer.Exit(2) from error
    if as_json:
        print(json.dumps(report_to_json(report), ensure_ascii=False, indent=1))
    else:
        print(format_report(report, detail=detail))


if __name__ == "__main__":
    main()
