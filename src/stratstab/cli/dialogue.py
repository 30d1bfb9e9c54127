"""``stratstab dialogue``: dialogues, statements, votes, scope, ledger and consensus.

Thin commands over :class:`stratstab.dialogue.store.DialogueStore`; every error a user
can cause is a :class:`~stratstab.errors.StratstabError` that the root command prints
as one line (exit 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from stratstab.cli.common import console, print_json
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import InputError

app = typer.Typer(
    help="Dialogues: statements and votes, consensus analysis, scope negotiation, ledger.",
    no_args_is_help=True,
)

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL (default: STRATSTAB_DATABASE_URL, else the embedded SQLite file).",
    ),
]
DialogueSlug = Annotated[
    str | None,
    typer.Option("--dialogue", "-d", help="Dialogue slug (may be left out if only one exists)."),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
VOTE_WORDS = {"agree": 1, "disagree": -1, "pass": 0, "1": 1, "-1": -1, "0": 0, "+1": 1}


def _resolve(store: DialogueStore, slug: str | None) -> str:
    """The dialogue named, or the only one in the database."""
    if slug:
        return slug
    slugs = [d.slug for d in store.list_dialogues()]
    if len(slugs) == 1:
        return slugs[0]
    reason = "no dialogue exists yet" if not slugs else f"several exist: {', '.join(slugs)}"
    raise InputError(f"pass --dialogue SLUG ({reason})", field="--dialogue")


@app.command("create")
def create(
    slug: Annotated[str, typer.Argument(help="Short id, e.g. cn-us-track2.")],
    title: Annotated[str, typer.Option(help="Title of the dialogue series.")],
    track: Annotated[str, typer.Option(help="Track level: I, 1.5 or II.")] = "II",
    party: Annotated[list[str] | None, typer.Option(help="Party code; repeat (CN, US).")] = None,
    description: Annotated[str, typer.Option(help="Free text.")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Create a dialogue series (round 1 opens, one delegation per party)."""
    with DialogueStore(database_url) as store:
        info = store.create_dialogue(
            slug=slug, title=title, track=track, parties=party or [], description=description
        )
    console.print(f"created dialogue {info.slug} (track {info.track}, parties {info.parties})")


@app.command("list")
def list_dialogues(json_output: JsonFlag = False, database_url: DatabaseUrl = None) -> None:
    """List the dialogues in the database."""
    with DialogueStore(database_url) as store:
        found = store.list_dialogues()
    if json_output:
        print_json([d.to_dict() for d in found])
        return
    table = Table("slug", "title", "track", "parties", "rounds", "statements", "participants")
    for d in found:
        table.add_row(
            d.slug, d.title, d.track, " ".join(d.parties),
            str(d.rounds), str(d.statements), str(d.participants),
        )  # fmt: skip
    console.print(table)


@app.command("add-delegation")
def add_delegation(
    code: Annotated[str, typer.Argument(help="Delegation code, e.g. CN.")],
    name_en: Annotated[str, typer.Option(help="English name.")] = "",
    name_zh: Annotated[str, typer.Option(help="Chinese name.")] = "",
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a delegation (or name one created from the parties)."""
    with DialogueStore(database_url) as store:
        info = store.add_delegation(
            _resolve(store, dialogue), code=code, name_en=name_en, name_zh=name_zh
        )
    console.print(f"delegation {info.code} in {info.dialogue}")


@app.command("add-participant")
def add_participant(
    participant_id: Annotated[str, typer.Argument(help="Participant id.")],
    delegation: Annotated[str | None, typer.Option(help="Delegation code.")] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    role: Annotated[str, typer.Option(help="Role, e.g. head of delegation.")] = "",
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a participant, optionally in a delegation."""
    with DialogueStore(database_url) as store:
        info = store.add_participant(
            _resolve(store, dialogue), external_id=participant_id,
            display_name=name, delegation=delegation, role=role,
        )  # fmt: skip
    console.print(f"participant {info.external_id} ({info.delegation or 'no delegation'})")


@app.command("add-statement")
def add_statement(
    text: Annotated[str, typer.Argument(help="Statement text in English (may be empty).")],
    zh: Annotated[str, typer.Option("--zh", help="Statement text in Chinese.")] = "",
    statement_id: Annotated[str | None, typer.Option("--id", help="Statement id.")] = None,
    author: Annotated[str | None, typer.Option(help="Author participant id.")] = None,
    topic: Annotated[list[str] | None, typer.Option(help="Topic id; repeat.")] = None,
    moderation: Annotated[str, typer.Option(help="pending, accepted or rejected.")] = "accepted",
    meta: Annotated[bool, typer.Option("--meta", help="A statement about the process.")] = False,
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a statement to vote on."""
    with DialogueStore(database_url) as store:
        info = store.add_statement(
            _resolve(store, dialogue), external_id=statement_id, text_en=text, text_zh=zh,
            author=author, topics=topic or [], moderation=moderation, is_meta=meta,
        )  # fmt: skip
    console.print(f"statement {info.external_id} ({info.moderation})")


@app.command("moderate")
def moderate(
    statement: Annotated[str, typer.Argument(help="Statement id.")],
    state: Annotated[str, typer.Argument(help="pending, accepted or rejected.")],
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Set a statement's moderation state."""
    with DialogueStore(database_url) as store:
        info = store.moderate(_resolve(store, dialogue), statement, state=state)
    console.print(f"statement {info.external_id}: {info.moderation}")


@app.command("vote")
def vote(
    participant: Annotated[str, typer.Argument(help="Participant id.")],
    statement: Annotated[str, typer.Argument(help="Statement id.")],
    value: Annotated[str, typer.Argument(help="agree, disagree or pass (or 1, -1, 0).")],
    importance: Annotated[int | None, typer.Option(help="Importance 1..3.")] = None,
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Cast a vote; an earlier vote stays in the history, the latest counts."""
    if value.lower() not in VOTE_WORDS:
        raise InputError(f"expected agree, disagree or pass, got {value!r}", field="vote")
    with DialogueStore(database_url) as store:
        record = store.cast_vote(
            _resolve(store, dialogue), participant=participant, statement=statement,
            value=VOTE_WORDS[value.lower()], importance=importance,
        )  # fmt: skip
    console.print(f"vote {record.value:+d} by {record.participant} on {record.statement}")


@app.command("set-scope")
def set_scope(
    delegation: Annotated[str, typer.Argument(help="Delegation code.")],
    topic: Annotated[str, typer.Argument(help="Topic id from the catalogue.")],
    stance: Annotated[str, typer.Option(help="include, exclude or only-if-linked.")],
    priority: Annotated[int, typer.Option(help="Priority 1 (low) .. 5 (high).")] = 3,
    link: Annotated[list[str] | None, typer.Option(help="Linked topic (only-if-linked).")] = None,
    note: Annotated[str, typer.Option(help="Note.")] = "",
    sealed: Annotated[bool, typer.Option("--sealed", help="Hide until revealed.")] = False,
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Record a delegation's stance on a topic (replaces its earlier stance)."""
    with DialogueStore(database_url) as store:
        position = store.set_scope_position(
            _resolve(store, dialogue), delegation=delegation, topic=topic, stance=stance,
            priority=priority, linked_topics=link or [], note=note, sealed=sealed,
            round_number=round_number,
        )  # fmt: skip
    console.print(
        f"{position.delegation} {position.topic}: {position.stance} (p{position.priority})"
    )


@app.command("reveal-scope")
def reveal_scope(
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Reveal every sealed scope position."""
    with DialogueStore(database_url) as store:
        count = store.reveal_scope(_resolve(store, dialogue), round_number=round_number)
    console.print(f"revealed {count} sealed position(s)")


@app.command("import-polis")
def import_polis(
    directory: Annotated[
        Path, typer.Argument(help="Pol.is export folder (comments.csv, votes.csv).")
    ],
    dialogue: Annotated[
        str | None, typer.Option("--dialogue", "-d", help="Target slug (default: folder name).")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import a Pol.is export in one transaction (the dialogue is created if missing)."""
    slug = dialogue or directory.resolve().name.lower()
    with DialogueStore(database_url) as store:
        summary = store.import_polis(slug, directory)
    console.print(
        f"imported into {summary.dialogue}: {summary.statements} statements, "
        f"{summary.votes} votes, {summary.participants} new participants"
    )


@app.command("export-polis")
def export_polis(
    directory: Annotated[Path, typer.Argument(help="Folder to write comments.csv and votes.csv.")],
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Export statements and the full vote history in the Pol.is format."""
    with DialogueStore(database_url) as store:
        paths = store.export_polis(_resolve(store, dialogue), directory)
    console.print("wrote " + ", ".join(str(p) for p in paths))


@app.command("analyze")
def analyze(
    json_output: JsonFlag = False,
    seed: Annotated[int, typer.Option(help="Seed of k-means restarts and permutation tests.")] = 0,
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Opinion groups, representative, bridging and crux statements (Pol.is math)."""
    from stratstab.dialogue.consensus import analyze as run_analysis

    with DialogueStore(database_url) as store:
        slug = _resolve(store, dialogue)
        matrix = store.vote_matrix(slug)
    result = run_analysis(votes=matrix, seed=seed).to_dict()
    if json_output:
        print_json(result)
        return
    _print_analysis(slug, result)


def _print_analysis(slug: str, result: dict) -> None:
    grouped = sum(1 for p in result["participants"] if p["group"] is not None)
    console.print(
        f"[bold]{slug}[/]: {len(result['participants'])} participants ({grouped} grouped), "
        f"{len(result['statements'])} statements, {result['n_groups']} opinion group(s)"
    )
    for group in result["groups"]:
        table = Table(
            "statement",
            "direction",
            "agree/disagree/pass",
            "text",
            title=f"group {group['group']} ({group['size']} people): representative",
        )
        for rep in group.get("representative", [])[:5]:
            counts = f"{rep['agree']}/{rep['disagree']}/{rep['pass']}"
            table.add_row(rep["statement"], rep["direction"], counts, rep["text"])
        console.print(table)
    for title, key in (
        ("bridging (a majority of every group)", "bridging"),
        ("cruxes (split the groups)", "cruxes"),
    ):
        table = Table("statement", "grouping", "text", title=title)
        for entry in result[key][:10]:
            table.add_row(entry["statement"], entry.get("grouping", ""), entry["text"])
        console.print(table)


@app.command("scope-memo")
def scope_memo(
    memo_format: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    out: Annotated[Path | None, typer.Option(help="Write to this file, not stdout.")] = None,
    viewer: Annotated[
        str | None, typer.Option(help="Show only what this delegation may see.")
    ] = None,
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Scope memo: levels, shared and contested topics, distance, staged agenda."""
    with DialogueStore(database_url) as store:
        text = store.scope_memo(
            _resolve(store, dialogue), memo_format=memo_format,
            round_number=round_number, viewer=viewer,
        )  # fmt: skip
    if out is None:
        print(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write ({exc.strerror})", source=str(out)) from exc
    console.print(f"wrote {out}")


@app.command("ledger")
def ledger(
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    json_output: JsonFlag = False,
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """The round ledger: items agreed, disputed and open."""
    with DialogueStore(database_url) as store:
        rows = store.ledger(_resolve(store, dialogue), round_number)
    if json_output:
        print_json([row.to_dict() for row in rows])
        return
    table = Table("key", "status", "since round", "carried", "title", "标题")
    for row in rows:
        carried = "yes" if row.carried else ""
        table.add_row(row.key, row.status, str(row.opened_in_round), carried,
                      row.title_en, row.title_zh)  # fmt: skip
    console.print(table)


@app.command("ledger-add")
def ledger_add(
    key: Annotated[str, typer.Argument(help="Short unique key of the item.")],
    title: Annotated[str, typer.Option(help="English title.")] = "",
    title_zh: Annotated[str, typer.Option(help="Chinese title.")] = "",
    topic: Annotated[str | None, typer.Option(help="Topic id.")] = None,
    status: Annotated[str, typer.Option(help="open, disputed or agreed.")] = "open",
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Open a ledger item in the round under way."""
    with DialogueStore(database_url) as store:
        row = store.add_ledger_item(
            _resolve(store, dialogue), key=key, title_en=title, title_zh=title_zh,
            topic=topic, status=status,
        )  # fmt: skip
    console.print(f"ledger item {row.key}: {row.status} (round {row.round})")


@app.command("ledger-set")
def ledger_set(
    key: Annotated[str, typer.Argument(help="Ledger item key.")],
    status: Annotated[str, typer.Argument(help="open, disputed or agreed.")],
    note: Annotated[str, typer.Option(help="Why the status changed.")] = "",
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Record a ledger item's new status in the round under way (reopen included)."""
    with DialogueStore(database_url) as store:
        row = store.set_ledger_status(_resolve(store, dialogue), key=key, status=status, note=note)
    console.print(f"ledger item {row.key}: {row.status} (round {row.round})")


@app.command("close-round")
def close_round(
    outcome: Annotated[str, typer.Option(help="Outcome of the round.")] = "",
    dialogue: DialogueSlug = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Close the round under way; open and disputed items carry into the next."""
    with DialogueStore(database_url) as store:
        opened = store.close_round(_resolve(store, dialogue), outcome=outcome)
    console.print(f"round {opened.number - 1} closed; round {opened.number} is open")


@app.command("report")
def report(
    slug: Annotated[str, typer.Argument(help="Dialogue slug.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write the report to.")],
    report_format: Annotated[
        str, typer.Option("--format", "-f", help="html (printable), pdf or json.")
    ] = "html",
    lang: Annotated[str, typer.Option("--lang", help="Report language: en or zh.")] = "en",
    reader: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Account whose view the report shows (default: the public record an "
            "observer sees, without any sealed material).",
        ),
    ] = None,
    chatham_house: Annotated[
        bool, typer.Option("--chatham-house", help="Count participants instead of naming them.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Write the outcome report: parties, rounds, consensus, scope, ledger, provenance."""
    from stratstab.web.dialogues.report import outcome_report, report_viewer

    with DialogueStore(database_url) as store:
        viewer = report_viewer(store, reader)
        made = outcome_report(
            store, viewer, slug, fmt=report_format, lang=lang, chatham_house=chatham_house
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(made.content)
    except OSError as exc:
        raise InputError(
            f"cannot write the report: {exc.strerror or exc}", source=str(out)
        ) from None
    console.print(
        f"wrote {out} ({report_format}, {lang}, {len(made.content):,} bytes, as {viewer.username})"
    )
