"""The graph commands: `ingest`, `entity`, `timeline`, `query`, `network`, `changes`,
`search`, `stats`, `export`, `watch` (poll feeds), and `entities merge|split` for
manual corrections.
Thin shells over `newsgraph.graph`; `--json` on every one.

`register(app)` adds them to the main Typer app (kept apart from `cli.py` so
neither module imports the other at load time).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsgraph.console import err, out, show_error
from newsgraph.errors import NewsgraphError
from newsgraph.graph import corrections, export, queries, watch
from newsgraph.graph.ingest import ingest
from newsgraph.graph.store import DB_ENV, DEFAULT_DB, GraphStore, open_store
from newsgraph.nlp.dates import parse_published
from newsgraph.pipeline import DEFAULT_TIME_BUDGET

DbOption = Annotated[str | None, typer.Option(
    "--db", help=("SQLite file of the graph, or a postgresql://user@host/database URL "
                  f"[default: ${DB_ENV} or ./{DEFAULT_DB}]."))]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
TimeBudgetOption = Annotated[float, typer.Option(
    "--time-budget", min=0, help="Seconds one page may take before it is skipped (0: no limit).")]
AllowPrivateOption = Annotated[bool, typer.Option(
    "--allow-private", help="Let URLs reach loopback, private and link-local addresses, "
                            "which the SSRF guard refuses otherwise.")]
WatchFileOption = Annotated[Path | None, typer.Option(
    "--watch", help="File of entity names, one a line: only changes of their facts.")]


@contextmanager
def _store(db: str | None) -> Iterator[GraphStore]:
    try:
        store = open_store(db)
    except NewsgraphError as error:
        show_error(error)
        raise typer.Exit(2) from error
    try:
        yield store
    except NewsgraphError as error:
        show_error(error)
        raise typer.Exit(1) from error
    finally:
        store.close()


def _date(value: str | None, option: str) -> str | None:
    if value is not None and parse_published(value) is None:
        raise typer.BadParameter("expected YYYY-MM-DD", param_hint=option)
    return None if value is None else value[:10]


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=1))


def _roles(roles: Any) -> str:
    return "; ".join(f"{role}={', '.join(names)}" for role, names in roles.items())


def _facts_table(title: str, views: list[queries.FactView]) -> Table:
    table = Table(title=title)
    for column in ("id", "type", "roles", "status", "certainty", "when", "sources", "history"):
        table.add_column(column)
    for v in views:
        history = " -> ".join(f"{s.status} ({s.reported})" for s in v.history)
        table.add_row(str(v.id), v.type, _roles(v.roles), v.status, v.certainty, v.when or "",
                      str(v.corroboration), history)
    return table


def ingest_command(
    sources: Annotated[list[str], typer.Argument(
        help="Files, directories, http(s) URLs of pages or feeds, or - for stdin.")],
    db: DbOption = None,
    as_json: JsonOption = False,
    time_budget: TimeBudgetOption = DEFAULT_TIME_BUDGET,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Extract and store documents in the graph; re-ingesting the same text adds nothing."""
    with _store(db) as store:
        with Progress(SpinnerColumn(), TextColumn("ingesting {task.completed} inputs"),
                      TextColumn("{task.description}"), TimeElapsedColumn(), console=err,
                      transient=True, disable=not err.is_terminal) as progress:
            task = progress.add_task("", total=None)
            report = ingest(sources, store,
                            lambda name: progress.update(task, advance=1,
                                                         description=Path(name).name),
                            budget=time_budget or None, allow_private=allow_private)
        for error in report.errors:
            show_error(error)
        if as_json:
            _print_json(report.to_json())
        else:
            out.print(f"{report.pages} pages: {report.documents_new} new documents "
                      f"({report.documents_near_duplicate} near-duplicates), "
                      f"{report.documents_duplicate} already stored; "
                      f"{report.entities_new} new entities, {report.facts_new} new facts, "
                      f"{report.statements_new} statements; {len(report.errors)} errors "
                      f"-> {store.location}")
    if report.errors:
        raise typer.Exit(1)


def entity_command(
    name: Annotated[str, typer.Argument(help="Entity name, alias or acronym.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Status as of YYYY-MM-DD.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """An entity's profile: type, country, aliases, facts by type with status and sources."""
    with _store(db) as store:
        profile = queries.entity_profile(store, name, _date(as_of, "--as-of"))
    if as_json:
        _print_json(profile.to_json())
        return
    out.print(f"[bold]{escape(profile.name)}[/bold] ({profile.type}"
              f"{', ' + escape(profile.country) if profile.country else ''})")
    if profile.aliases:
        out.print("aliases: " + escape(", ".join(profile.aliases)))
    for fact_type, views in profile.facts.items():
        out.print(_facts_table(fact_type, list(views)))


def timeline_command(
    name: Annotated[str, typer.Argument(help="Entity name, alias or acronym.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Every report about an entity's facts, oldest first."""
    with _store(db) as store:
        result = queries.timeline(store, name)
    if as_json:
        _print_json(result.to_json())
        return
    table = Table(title=result.entity)
    for column in ("reported", "type", "roles", "status", "certainty", "when", "input"):
        table.add_column(column)
    for e in result.events:
        table.add_row(e.reported, e.type, _roles(e.roles), e.step.status, e.step.certainty,
                      e.step.when or "", e.step.input)
    out.print(table)


def query_command(
    fact_type: Annotated[str | None, typer.Option("--type", help="Fact type, e.g. SUPPLY.")] = None,
    status: Annotated[str | None, typer.Option(help="Current status, e.g. talks.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Status as of YYYY-MM-DD.")] = None,
    supplier: Annotated[str | None, typer.Option(help="Supplier entity.")] = None,
    customer: Annotated[str | None, typer.Option(help="Customer entity.")] = None,
    role: Annotated[list[str] | None, typer.Option(
        help="Any core role as ROLE=NAME, e.g. partners=BYD; repeatable.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Facts by type, role entities and status, optionally as of a date."""
    roles = {"supplier": supplier, "customer": customer}
    for item in role or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise typer.BadParameter("expected ROLE=NAME", param_hint="--role")
        roles[key.strip()] = value.strip()
    with _store(db) as store:
        try:
            views = queries.query_facts(store, fact_type, status, _date(as_of, "--as-of"),
                                        **{k: v for k, v in roles.items() if v})
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--role") from error
    if as_json:
        _print_json([v.to_json() for v in views])
    else:
        out.print(_facts_table(f"{len(views)} facts", views))


def network_command(
    name: Annotated[str, typer.Argument(help="Entity name, alias or acronym.")],
    depth: Annotated[int, typer.Option(min=1, max=5, help="Supply tiers to follow.")] = 1,
    supplier_country: Annotated[str | None, typer.Option(
        help="Only suppliers from this country.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Supply tiers around an entity: suppliers upstream, customers downstream."""
    with _store(db) as store:
        result = queries.network(store, name, depth, supplier_country)
    if as_json:
        _print_json(result.to_json())
        return
    table = Table(title=f"supply network of {result.entity}")
    for column in ("direction", "tier", "supplier", "country", "customer", "status"):
        table.add_column(column)
    for e in result.edges:
        table.add_row(e.direction, str(e.tier), e.supplier, e.supplier_country or "",
                      e.customer, e.fact.status)
    out.print(table)


def changes_command(
    since: Annotated[str, typer.Option(help="Reports from this date on (YYYY-MM-DD).")],
    watch_file: WatchFileOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What changed since a date: new facts, status changes, new corroboration."""
    day = _date(since, "--since")
    assert day is not None
    watched = _watch_list(watch_file)
    with _store(db) as store:
        result = queries.changes(store, day)
        if watched is not None:
            result = watch.only_watched(store, result, watched)
    if as_json:
        _print_json([c.to_json() for c in result])
        return
    out.print(_changes_table(f"changes since {day}", result))


def _changes_table(title: str, changes: list[queries.Change]) -> Table:
    table = Table(title=title)
    for column in ("reported", "change", "type", "roles", "status", "sources"):
        table.add_column(column)
    for c in changes:
        status = f"{c.previous_status} -> {c.fact.status}" if c.kind == "status" else (
            c.fact.status)
        table.add_row(c.fact.reported, c.kind, c.fact.type, _roles(c.fact.roles), status,
                      str(c.fact.corroboration))
    return table


def _watch_list(path: Path | None) -> tuple[str, ...] | None:
    if path is None:
        return None
    try:
        return watch.load_watch_list(path)
    except NewsgraphError as error:
        show_error(error)
        raise typer.Exit(2) from error


def watch_command(
    feeds: Annotated[list[str], typer.Argument(help="RSS or Atom feeds: URLs or files.")],
    every: Annotated[str, typer.Option(
        help="Time between polls: 30s, 15m, 1h.")] = watch.DEFAULT_EVERY,
    watch_file: WatchFileOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll one round, then exit.")] = False,
    allow_private: AllowPrivateOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Poll feeds (ETag, Last-Modified), ingest new items, print changes of watched entities."""
    try:
        seconds = watch.parse_every(every)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--every") from error
    options = watch.WatchOptions(tuple(feeds), seconds, _watch_list(watch_file), allow_private,
                                 1 if once else None)
    rounds: list[watch.Round] = []

    def show(result: watch.Round) -> None:
        rounds.append(result)
        _print_round(result, as_json)

    with _store(db) as store:
        if not once:
            err.print(f"watching {len(feeds)} feeds every {every} -> {store.location}; "
                      "Ctrl-C stops")
        try:
            watch.watch(store, options, show)
        except KeyboardInterrupt:
            err.print("stopped")
    if once and rounds and rounds[-1].errors:
        raise typer.Exit(1)


def _print_round(result: watch.Round, as_json: bool) -> None:
    for error in result.errors:
        show_error(error)
    if as_json:  # one line a round: the output is a stream
        print(json.dumps(result.to_json(), ensure_ascii=False), flush=True)
        return
    for poll in result.polls:
        if poll.outcome == "not_modified":
            out.print(f"{escape(poll.feed)}: not modified")
        elif poll.outcome == "read":
            r = poll.report
            out.print(f"{escape(poll.feed)}: {poll.items_new} new of {poll.items} items; "
                      f"{r.documents_new} new documents, {r.facts_new} new facts, "
                      f"{r.statements_new} statements")
    if result.changes:
        out.print(_changes_table(f"changes at {result.started}", list(result.changes)))


def search_command(
    text: Annotated[str, typer.Argument(help="Words that must all appear.")],
    limit: Annotated[int, typer.Option(min=1, help="At most this many documents.")] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over stored documents."""
    with _store(db) as store:
        hits = queries.search(store, text, limit)
    if as_json:
        _print_json([h.to_json() for h in hits])
        return
    for hit in hits:
        snippet = " ".join(hit.snippet.split())
        print(f"{hit.title or hit.input} ({hit.published or 'undated'}, {hit.input})\n"
              f"  {snippet}")


def stats_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Counts of documents, entities, facts and statements."""
    with _store(db) as store:
        result = queries.stats(store)
    if as_json:
        _print_json(result.to_json())
    else:
        out.print(f"{result.documents} documents ({result.near_duplicates} near-duplicates), "
                  f"{result.entities} entities, {result.facts} facts, "
                  f"{result.statements} statements")


def export_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT",
                                       help="graphml, csv, jsonld or cypher.")],
    output: Annotated[Path, typer.Option("-o", "--output",
                                         help="File to write (a directory for csv).")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export the graph: entities and facts as nodes, core roles as edges."""
    if fmt.lower() not in export.FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(export.FORMATS)}",
                                 param_hint="FORMAT")
    with _store(db) as store:
        report = export.export(store, fmt, output)
    if as_json:
        _print_json(report.to_json())
    else:
        out.print(f"{report.entities} entities, {report.facts} facts, {report.edges} role "
                  f"edges -> {escape(report.output)} ({report.format})")


entities_app = typer.Typer(no_args_is_help=True, help=(
    "Correct entity resolution by hand; corrections are recorded and replayed on every "
    "later ingest."))


def _print_correction(result: corrections.Correction, as_json: bool) -> None:
    if as_json:
        _print_json(result.to_json())
        return
    verb = "merged into" if result.action == "merge" else "split off"
    out.print(f"{escape(result.other)} {verb} {escape(result.kept)}: {result.facts_moved} facts "
              f"re-linked, {result.facts_folded} folded into an identical fact, "
              f"{result.documents} documents")


@entities_app.command("merge")
def merge_command(
    name: Annotated[str, typer.Argument(help="The entity that goes away (name or alias).")],
    into: Annotated[str, typer.Argument(help="The entity that stays.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Merge entity A into entity B: B keeps its name, A's facts and names become B's."""
    with _store(db) as store:
        result = corrections.merge_entities(store, name, into)
    _print_correction(result, as_json)


@entities_app.command("split")
def split_command(
    name: Annotated[str, typer.Argument(help="The entity to split (name or alias).")],
    alias: Annotated[str, typer.Option("--alias", help="The name that is another entity.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Split ALIAS off an entity: documents that used that name move to a new entity."""
    with _store(db) as store:
        result = corrections.split_entity(store, name, alias)
    _print_correction(result, as_json)


def register(app: typer.Typer) -> None:
    """Add the graph commands to `app`."""
    app.command("ingest")(ingest_command)
    app.command("entity")(entity_command)
    app.command("timeline")(timeline_command)
    app.command("query")(query_command)
    app.command("network")(network_command)
    app.command("changes")(changes_command)
    app.command("search")(search_command)
    app.command("stats")(stats_command)
    app.command("export")(export_command)
    app.command("watch")(watch_command)
    app.add_typer(entities_app, name="entities")
