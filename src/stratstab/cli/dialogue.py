"""``stratstab dialogue``: dialogues, statements, votes, scope, ledger and consensus.

Thin commands over :class:`stratstab.dialogue.store.DialogueStore`; every error a user
can cause is a :class:`~stratstab.errors.StratstabError` that the root command prints
as one line (exit 2).

Every command that works on one dialogue takes its slug as the first argument
(``stratstab dialogue ledger ssd-2026``); ``--dialogue SLUG`` (``-d``) anywhere on the line
is accepted too and moved into that place by :class:`DialogueFirstGroup`.  The store and
the analysis are imported inside the commands, so ``--help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import click
import typer
from rich.table import Table
from typer.core import TyperGroup

from stratstab.cli.common import console, print_json
from stratstab.errors import InputError

if TYPE_CHECKING:
    from stratstab.dialogue.store import DialogueStore

DIALOGUE_OPTIONS = ("--dialogue", "-d")


def dialogue_first(args: Sequence[str], takes_dialogue: bool) -> list[str]:
    """``args`` of one subcommand with ``--dialogue SLUG`` moved to the first argument.

    ``args`` starts with the subcommand's name.  Nothing changes for a subcommand that
    does not take a dialogue or when no ``--dialogue`` is given; everything after ``--``
    is left alone.
    """
    if not takes_dialogue or len(args) < 2:
        return list(args)
    name, rest = args[0], list(args[1:])
    slug, kept, index = None, [], 0
    while index < len(rest):
        word = rest[index]
        if word == "--":
            kept.extend(rest[index:])
            break
        if word in DIALOGUE_OPTIONS and index + 1 < len(rest):
            slug, index = rest[index + 1], index + 2
            continue
        if word.startswith("--dialogue="):
            slug, index = word.split("=", 1)[1], index + 1
            continue
        kept.append(word)
        index += 1
    return [name, *kept] if slug is None else [name, slug, *kept]


class DialogueFirstGroup(TyperGroup):
    """The ``dialogue`` group: accepts ``--dialogue SLUG`` as an alias of the first argument."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for position, word in enumerate(args):
            if word.startswith("-"):
                continue
            command = self.get_command(ctx, word)
            takes = bool(command and command.params and command.params[0].name == "dialogue")
            args = [*args[:position], *dialogue_first(args[position:], takes)]
            break
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=DialogueFirstGroup,
    help="Dialogues: statements and votes, consensus analysis, scope negotiation, ledger. "
    "Each command names the dialogue first (stratstab dialogue ledger SLUG); "
    "--dialogue SLUG is accepted as well.",
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
    str,
    typer.Argument(
        metavar="DIALOGUE",
        help="Dialogue slug (or --dialogue SLUG anywhere on the line).",
        show_default=False,
    ),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsFacilitator = Annotated[
    bool,
    typer.Option(
        "--as-facilitator",
        help="Include sealed and unpublished material, as the facilitator sees it "
        "(default: only what every party may see).",
    ),
]
# The store's scope view for a viewer of no delegation: only positions that are not
# sealed or have been revealed.
PUBLIC_VIEW = ""
VOTE_WORDS = {"agree": 1, "disagree": -1, "pass": 0, "1": 1, "-1": -1, "0": 0, "+1": 1}


def _store(database_url: str | None) -> DialogueStore:
    """The dialogue store (imported here: SQLAlchemy and the analysis load only when used)."""
    from stratstab.dialogue.store import DialogueStore

    return DialogueStore(database_url)


@app.command("create")
def create(
    slug: Annotated[str, typer.Argument(help="Short id, e.g. cn-us-track2.")],
    title: Annotated[str, typer.Option(help="Title of the dialogue series.")],
    track: Annotated[str, typer.Option(help="Track level: I, 1.5 or II.")] = "II",
    party: Annotated[
        list[str] | None, typer.Option(help="Party code; repeat, 2 to 4 (CN, US, RU).")
    ] = None,
    description: Annotated[str, typer.Option(help="Free text.")] = "",
    title_zh: Annotated[str, typer.Option(help="Chinese title.")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Create a dialogue series (round 1 opens, one delegation per party)."""
    with _store(database_url) as store:
        info = store.create_dialogue(
            slug=slug,
            title=title,
            title_zh=title_zh,
            track=track,
            parties=party or [],
            description=description,
        )
    parties = ", ".join(info.parties) or "none yet"
    console.print(f"created dialogue {info.slug} (track {info.track}, parties {parties})")


@app.command("list")
def list_dialogues(json_output: JsonFlag = False, database_url: DatabaseUrl = None) -> None:
    """List the dialogues in the database."""
    with _store(database_url) as store:
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
    dialogue: DialogueSlug,
    code: Annotated[str, typer.Argument(help="Delegation code, e.g. CN.")],
    name_en: Annotated[str, typer.Option(help="English name.")] = "",
    name_zh: Annotated[str, typer.Option(help="Chinese name.")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Add a delegation (or name one created from the parties)."""
    with _store(database_url) as store:
        info = store.add_delegation(dialogue, code=code, name_en=name_en, name_zh=name_zh)
    console.print(f"delegation {info.code} in {info.dialogue}")


@app.command("add-participant")
def add_participant(
    dialogue: DialogueSlug,
    participant_id: Annotated[str, typer.Argument(help="Participant id.")],
    delegation: Annotated[str | None, typer.Option(help="Delegation code.")] = None,
    name: Annotated[str, typer.Option(help="Display name.")] = "",
    role: Annotated[str, typer.Option(help="Role, e.g. head of delegation.")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Add a participant, optionally in a delegation."""
    with _store(database_url) as store:
        info = store.add_participant(
            dialogue, external_id=participant_id,
            display_name=name, delegation=delegation, role=role,
        )  # fmt: skip
    console.print(f"participant {info.external_id} ({info.delegation or 'no delegation'})")


@app.command("add-statement")
def add_statement(
    dialogue: DialogueSlug,
    text: Annotated[str, typer.Argument(help="Statement text in English (may be empty).")],
    zh: Annotated[str, typer.Option("--zh", help="Statement text in Chinese.")] = "",
    statement_id: Annotated[str | None, typer.Option("--id", help="Statement id.")] = None,
    author: Annotated[str | None, typer.Option(help="Author participant id.")] = None,
    topic: Annotated[list[str] | None, typer.Option(help="Topic id; repeat.")] = None,
    moderation: Annotated[str, typer.Option(help="pending, accepted or rejected.")] = "accepted",
    meta: Annotated[bool, typer.Option("--meta", help="A statement about the process.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a statement to vote on."""
    with _store(database_url) as store:
        info = store.add_statement(
            dialogue, external_id=statement_id, text_en=text, text_zh=zh,
            author=author, topics=topic or [], moderation=moderation, is_meta=meta,
        )  # fmt: skip
    console.print(f"statement {info.external_id} ({info.moderation})")


@app.command("moderate")
def moderate(
    dialogue: DialogueSlug,
    statement: Annotated[str, typer.Argument(help="Statement id.")],
    state: Annotated[str, typer.Argument(help="pending, accepted or rejected.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Set a statement's moderation state."""
    with _store(database_url) as store:
        info = store.moderate(dialogue, statement, state=state)
    console.print(f"statement {info.external_id}: {info.moderation}")


@app.command("mark-meta")
def mark_meta(
    dialogue: DialogueSlug,
    statement: Annotated[list[str], typer.Argument(help="Statement id(s).", show_default=False)],
    clear: Annotated[bool, typer.Option("--clear", help="Remove the meta mark.")] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Mark statements as meta (about the participants, e.g. "I live in a city"): they stay
    visible with their votes but leave the consensus math, as in Pol.is."""
    with _store(database_url) as store:
        for statement_id in statement:
            info = store.mark_meta(dialogue, statement_id, is_meta=not clear)
            state = "meta (left out of the analysis)" if info.is_meta else "not meta"
            console.print(f"statement {info.external_id}: {state}")


@app.command("vote")
def vote(
    dialogue: DialogueSlug,
    participant: Annotated[str, typer.Argument(help="Participant id.")],
    statement: Annotated[str, typer.Argument(help="Statement id.")],
    value: Annotated[str, typer.Argument(help="agree, disagree or pass (or 1, -1, 0).")],
    importance: Annotated[int | None, typer.Option(help="Importance 1..3.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Cast a vote; an earlier vote stays in the history, the latest counts."""
    if value.lower() not in VOTE_WORDS:
        raise InputError(f"expected agree, disagree or pass, got {value!r}", field="vote")
    with _store(database_url) as store:
        record = store.cast_vote(
            dialogue, participant=participant, statement=statement,
            value=VOTE_WORDS[value.lower()], importance=importance,
        )  # fmt: skip
    console.print(f"vote {record.value:+d} by {record.participant} on {record.statement}")


@app.command("set-scope")
def set_scope(
    dialogue: DialogueSlug,
    delegation: Annotated[str, typer.Argument(help="Delegation code.")],
    topic: Annotated[str, typer.Argument(help="Topic id from the catalogue.")],
    stance: Annotated[str, typer.Option(help="include, exclude or only-if-linked.")],
    priority: Annotated[int, typer.Option(help="Priority 1 (low) .. 5 (high).")] = 3,
    link: Annotated[list[str] | None, typer.Option(help="Linked topic (only-if-linked).")] = None,
    note: Annotated[str, typer.Option(help="Note.")] = "",
    sealed: Annotated[bool, typer.Option("--sealed", help="Hide until revealed.")] = False,
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Record a delegation's stance on a topic (replaces its earlier stance)."""
    with _store(database_url) as store:
        position = store.set_scope_position(
            dialogue, delegation=delegation, topic=topic, stance=stance,
            priority=priority, linked_topics=link or [], note=note, sealed=sealed,
            round_number=round_number,
        )  # fmt: skip
    console.print(
        f"{position.delegation} {position.topic}: {position.stance} (p{position.priority})"
    )


@app.command("reveal-scope")
def reveal_scope(
    dialogue: DialogueSlug,
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Reveal every sealed scope position."""
    with _store(database_url) as store:
        count = store.reveal_scope(dialogue, round_number=round_number)
    console.print(f"revealed {count} sealed position(s)")


@app.command("import-polis")
def import_polis(
    dialogue: Annotated[
        str,
        typer.Argument(
            help="Target slug (created if missing); with one argument only, the folder "
            "(and the slug is the folder's name).",
            show_default=False,
            metavar="DIALOGUE",
        ),
    ],
    directory: Annotated[
        Path | None, typer.Argument(help="Pol.is export folder (comments.csv, votes.csv).")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Import a Pol.is export in one transaction (the dialogue is created if missing)."""
    if directory is None:
        directory = Path(dialogue)
        dialogue = directory.resolve().name.lower()
    with _store(database_url) as store:
        summary = store.import_polis(dialogue, directory)
    console.print(
        f"imported into {summary.dialogue}: {summary.statements} statements, "
        f"{summary.votes} votes, {summary.participants} new participants"
    )


@app.command("export-polis")
def export_polis(
    dialogue: DialogueSlug,
    directory: Annotated[Path, typer.Argument(help="Folder to write comments.csv and votes.csv.")],
    as_facilitator: AsFacilitator = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Export statements and the vote history in the Pol.is format.

    Only accepted, unsealed statements and their votes unless --as-facilitator.
    """
    with _store(database_url) as store:
        paths = store.export_polis(dialogue, directory, public_only=not as_facilitator)
    scope = "everything (facilitator's export)" if as_facilitator else "public statements only"
    console.print("wrote " + ", ".join(str(p) for p in paths) + f" ({scope})")


@app.command("analyze")
def analyze(
    dialogue: DialogueSlug,
    json_output: JsonFlag = False,
    seed: Annotated[int, typer.Option(help="Seed of k-means restarts and permutation tests.")] = 0,
    bootstrap: Annotated[
        int,
        typer.Option(
            min=0,
            help="Resamples of the participants behind group_stability.bootstrap_ari "
            "(0: skip; each reruns the grouping).",
        ),
    ] = 20,
    kmeans: Annotated[
        str,
        typer.Option(
            help="default: batch k-means (k-means++ starts from --seed; the same votes give "
            "the same groups). polis: Pol.is's incremental update, warm-started from this "
            "dialogue's last polis update, which is kept in the database (participants once "
            "grouped stay in)."
        ),
    ] = "default",
    database_url: DatabaseUrl = None,
) -> None:
    """Opinion groups, representative, bridging and crux statements (Pol.is math)."""
    from stratstab.dialogue.consensus import analyze as run_analysis

    if kmeans not in ("default", "polis"):
        raise InputError(f"expected default or polis, got {kmeans!r}", field="--kmeans")
    with _store(database_url) as store:
        matrix = store.vote_matrix(dialogue)
        previous = store.polis_state(dialogue) if kmeans == "polis" else None
        analysis = run_analysis(
            votes=matrix,
            seed=seed,
            stability_resamples=bootstrap,
            kmeans=kmeans,  # type: ignore[arg-type]
            previous=previous,
        )
        if analysis.polis_state is not None:
            store.save_polis_state(dialogue, analysis.polis_state)
    result = analysis.to_dict()
    if json_output:
        print_json(result)
        return
    _print_analysis(dialogue, result)


def _print_analysis(slug: str, result: dict) -> None:
    grouped = sum(1 for p in result["participants"] if p["group"] is not None)
    console.print(
        f"[bold]{slug}[/]: {len(result['participants'])} participants ({grouped} grouped), "
        f"{len(result['statements'])} statements, {result['n_groups']} opinion group(s)"
    )
    stability = result["group_stability"]
    silhouettes = ", ".join(f"k={k}: {v:.3f}" for k, v in stability["silhouette_by_k"].items())
    agreement = stability["bootstrap_ari"]
    console.print(
        f"group stability: silhouette {silhouettes or 'n/a'}; bootstrap adjusted Rand index "
        + ("n/a" if agreement is None else f"{agreement:.2f}")
    )
    if stability["fragile"]:
        console.print(f"[yellow]{stability['sentence']['en']}[/]")
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
    dialogue: DialogueSlug,
    memo_format: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    out: Annotated[Path | None, typer.Option(help="Write to this file, not stdout.")] = None,
    viewer: Annotated[
        str | None, typer.Option(help="Show what this delegation may see (its own sealed notes).")
    ] = None,
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    as_facilitator: AsFacilitator = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Scope memo: levels, shared and contested topics, distance, staged agenda.

    Without --viewer or --as-facilitator, only what every party may see.
    """
    if viewer and as_facilitator:
        raise InputError("give --viewer or --as-facilitator, not both", field="--viewer")
    seen_by = None if as_facilitator else (viewer or PUBLIC_VIEW)
    with _store(database_url) as store:
        text = store.scope_memo(
            dialogue, memo_format=memo_format,
            round_number=round_number, viewer=seen_by,
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
    dialogue: DialogueSlug,
    round_number: Annotated[int | None, typer.Option("--round", help="Round number.")] = None,
    json_output: JsonFlag = False,
    database_url: DatabaseUrl = None,
) -> None:
    """The round ledger: items agreed, disputed and open."""
    with _store(database_url) as store:
        rows = store.ledger(dialogue, round_number)
    if json_output:
        print_json([row.to_dict() for row in rows])
        return
    if not rows:
        console.print(f"{dialogue}: no ledger items yet (add one with: dialogue ledger-add)")
        return
    table = Table("key", "status", "since round", "carried", "title", "标题")
    for row in rows:
        carried = "yes" if row.carried else ""
        table.add_row(row.key, row.status, str(row.opened_in_round), carried,
                      row.title_en, row.title_zh)  # fmt: skip
    console.print(table)


@app.command("ledger-add")
def ledger_add(
    dialogue: DialogueSlug,
    key: Annotated[str, typer.Argument(help="Short unique key of the item.")],
    title: Annotated[str, typer.Option(help="English title.")] = "",
    title_zh: Annotated[str, typer.Option(help="Chinese title.")] = "",
    topic: Annotated[str | None, typer.Option(help="Topic id.")] = None,
    status: Annotated[str, typer.Option(help="open, disputed or agreed.")] = "open",
    database_url: DatabaseUrl = None,
) -> None:
    """Open a ledger item in the round under way."""
    with _store(database_url) as store:
        row = store.add_ledger_item(
            dialogue, key=key, title_en=title, title_zh=title_zh,
            topic=topic, status=status,
        )  # fmt: skip
    console.print(f"ledger item {row.key}: {row.status} (round {row.round})")


@app.command("ledger-set")
def ledger_set(
    dialogue: DialogueSlug,
    key: Annotated[str, typer.Argument(help="Ledger item key.")],
    status: Annotated[str, typer.Argument(help="open, disputed or agreed.")],
    note: Annotated[str, typer.Option(help="Why the status changed.")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Record a ledger item's new status in the round under way (reopen included)."""
    with _store(database_url) as store:
        row = store.set_ledger_status(dialogue, key=key, status=status, note=note)
    console.print(f"ledger item {row.key}: {row.status} (round {row.round})")


@app.command("close-round")
def close_round(
    dialogue: DialogueSlug,
    outcome: Annotated[str, typer.Option(help="Outcome of the round.")] = "",
    database_url: DatabaseUrl = None,
) -> None:
    """Close the round under way (the next opens with open-round)."""
    with _store(database_url) as store:
        closed = store.close_round(dialogue, outcome=outcome)
    console.print(
        f"round {closed.number} closed; open the next with `stratstab dialogue open-round`"
    )


@app.command("open-round")
def open_round(
    dialogue: DialogueSlug,
    on_date: Annotated[
        str | None, typer.Option("--date", help="Date of the meeting, YYYY-MM-DD.")
    ] = None,
    place: Annotated[str | None, typer.Option(help="Where the round meets.")] = None,
    agenda: Annotated[list[str] | None, typer.Option(help="Agenda item; repeat.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Open the next round; open and disputed ledger items carry into it."""
    when = _parse_date(on_date) if on_date else None
    with _store(database_url) as store:
        opened = store.open_round(dialogue, on_date=when, place=place, agenda=agenda)
    console.print(f"round {opened.number} is open")


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"expected a date YYYY-MM-DD, got {text!r}", field="--date") from None


@app.command("report")
def report(
    dialogue: DialogueSlug,
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

    with _store(database_url) as store:
        viewer = report_viewer(store, reader, dialogue)
        made = outcome_report(
            store, viewer, dialogue, fmt=report_format, lang=lang, chatham_house=chatham_house
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
