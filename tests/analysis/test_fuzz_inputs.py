"""Fuzzing the two readers of user files: scenario YAML and Pol.is CSV exports.

Every generated input either loads or raises the project's input error
(:class:`~stratstab.errors.StratstabError`), never another exception.  The strategies
build *near-valid* input (a valid document with one or a few fields mutated, valid
CSV rows with a broken cell or quote) as well as random text, so they reach the
validation deep inside the loaders, not only the YAML or CSV parser.  Example
counts are bounded and the runs derandomized, so CI is fast and reproducible.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratstab.analysis.spec.scenario import scenario_from_yaml_text
from stratstab.dialogue.polis import COMMENT_COLUMNS, VOTE_COLUMNS, read_export
from stratstab.errors import StratstabError

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    database=None,
)

# ----------------------------------------------------------------- scenario YAML

ODD_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["", "us-2024", "sipri-2024", "/dev/zero", "../x.yaml", "generated", "1e309", "~", "-"]
    ),
    st.text(max_size=12),
)
ODD_VALUES = st.recursive(
    ODD_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
SIDES = st.sampled_from(["US", "CN", "RU", "", "US.x", "1"])
DATASETS = st.sampled_from(["us-2024", "china-2024", "russia-2024", "sipri-2024", "/etc/passwd"])
FIELD_PATHS = st.sampled_from(
    [
        ("name",),
        ("forces",),
        ("forces", "US"),
        ("forces", "US", "dataset"),
        ("forces", "CN", "estimate"),
        ("forces", "CN", "overrides"),
        ("forces", "CN", "overrides", "DF-41.launchers"),
        ("forces", "CN", "overrides", "DF-41.survivability.generated"),
        ("forces", "US", "overrides", "Minuteman III.strategic"),
        ("defenses", "US", "interceptors"),
        ("defenses", "US", "interceptor_pk"),
        ("defenses", "US", "shots_per_rv"),
        ("defenses", "CN"),
        ("posture", "US"),
        ("launch_under_attack", "CN"),
        ("value_targets", "US", "w80"),
        ("assured_retaliation", "CN"),
        ("assured_retaliation", "CN", "damage"),
        ("strike", "US", "targets"),
        ("strike", "US", "warheads_per_aim_point", "silo"),
        ("cost", "enemy_weight"),
        ("cost", "own_weight_exponent"),
        ("use", "fixed"),
        ("counterforce_levels",),
        ("lethal_radius_method",),
        ("levers", "US.arsenal_scale"),
        ("levers", "CN.retaliation_warheads"),
        ("levers", "US.interceptors"),
        ("levers", "CN.DF-41.launchers"),
        ("levers", "XX.posture"),
        ("assumptions", "US-view", "CN.survivability_mobile"),
        ("assumptions", "CN-view"),
        ("beliefs", "US"),
        ("beliefs", "US", "CN.arsenal_scale"),
        ("beliefs", "US", "CN.arsenal_scale", "dist"),
    ]
)


def _base() -> dict:
    return {
        "name": "fuzz",
        "forces": {
            "US": {"dataset": "us-2024"},
            "CN": {"dataset": "china-2024", "overrides": {"DF-41.launchers": 60}},
        },
        "defenses": {"US": {"interceptors": 44, "interceptor_pk": 0.5}},
        "posture": {"US": "generated", "CN": "day-to-day"},
        "levers": {"US.arsenal_scale": 1.0},
        "assumptions": {"US-view": {"CN.survivability_mobile": 0.6}},
        "beliefs": {"US": {"CN.arsenal_scale": {"dist": "uniform", "low": 0.8, "high": 1.2}}},
    }


def _set(document: dict, path: tuple[str, ...], value: object) -> None:
    node = document
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = {}
            node[key] = child
        node = child
    node[path[-1]] = value


@st.composite
def near_valid_scenarios(draw) -> str:
    """A valid scenario with a few fields set to odd values, dumped as YAML."""
    document = _base()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        _set(document, draw(FIELD_PATHS), draw(ODD_VALUES))
    if draw(st.booleans()):
        document["forces"] = {draw(SIDES): {"dataset": draw(DATASETS)} for _ in range(2)}
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    if draw(st.integers(min_value=0, max_value=4)) == 0:  # damage the text itself
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = (
            text[:cut]
            + draw(
                st.sampled_from(
                    ["", ":", "- ", "{", "\t", "\x00", "&a *a", "!!python/object:os.system"]
                )
            )
            + text[cut:]
        )
    return text


YAML_SNIPPETS = st.text(
    alphabet=st.sampled_from(list("abUSCN:-{}[]'\"\n #&*!|>.0123456789eE+_~\t,")), max_size=120
)


@FUZZ
@given(text=st.one_of(near_valid_scenarios(), YAML_SNIPPETS, st.text(max_size=200)))
def test_scenario_loader_loads_or_raises_input_error(text: str) -> None:
    try:
        scenario = scenario_from_yaml_text(text, source="fuzz.yaml")
    except StratstabError:
        return
    # Whatever loads is usable: finite numbers, two sides with posture datasets.
    for side in scenario.sides:
        assert scenario.dataset_of(side).systems
    assert math.isfinite(scenario.cost.enemy_weight)


# ------------------------------------------------------------------- Pol.is CSV

COMMENT_HEADER, VOTE_HEADER = list(COMMENT_COLUMNS), list(VOTE_COLUMNS)
ODD_CELLS = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        ["", " ", "1.5", "nan", "-0", "+1", "1e3", "253402300800000", "\x00", '"', "١"]
    ),
    st.text(max_size=8),
)


@st.composite
def near_valid_exports(draw) -> tuple[str, str]:
    """comments.csv and votes.csv text: valid rows with a few cells or bytes damaged."""
    n_comments = draw(st.integers(min_value=0, max_value=4))
    comments = [
        [
            str(1000 + i),
            "x",
            str(i),
            str(i % 3),
            "0",
            "0",
            str(draw(st.sampled_from([-1, 0, 1]))),
            f"statement {i}",
        ]
        for i in range(n_comments)
    ]
    votes = [
        [
            str(10 + j),
            "x",
            str(j % max(n_comments, 1)),
            str(j % 5),
            str(draw(st.sampled_from([-1, 0, 1]))),
        ]
        for j in range(draw(st.integers(min_value=0, max_value=6)))
    ]
    comment_header, vote_header = list(COMMENT_HEADER), list(VOTE_HEADER)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        table = draw(st.sampled_from(["comments", "votes", "comment-header", "vote-header"]))
        if table == "comment-header":
            comment_header[draw(st.integers(0, 7))] = draw(st.sampled_from(COMMENT_HEADER + ["x"]))
        elif table == "vote-header":
            vote_header[draw(st.integers(0, 4))] = draw(st.sampled_from(VOTE_HEADER + ["x"]))
        else:
            rows = comments if table == "comments" else votes
            if rows:
                row = rows[draw(st.integers(0, len(rows) - 1))]
                row[draw(st.integers(0, len(row) - 1))] = draw(ODD_CELLS)
                if draw(st.booleans()):
                    row.append(draw(ODD_CELLS))

    def dump(header: list[str], rows: list[list[str]]) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    comments_text, votes_text = dump(comment_header, comments), dump(vote_header, votes)
    if draw(st.integers(min_value=0, max_value=3)) == 0:  # break the CSV itself
        cut = draw(st.integers(min_value=0, max_value=len(comments_text)))
        junk = draw(st.sampled_from(['"', '""', "\r", "\n", ",", "\x00", "\ufeff", '"a"b']))
        comments_text = comments_text[:cut] + junk + comments_text[cut:]
    return comments_text, votes_text


@FUZZ
@given(
    export=st.one_of(near_valid_exports(), st.tuples(st.text(max_size=80), st.text(max_size=80)))
)
def test_polis_reader_loads_or_raises_input_error(export: tuple[str, str]) -> None:
    comments_text, votes_text = export
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "comments.csv").write_text(comments_text, encoding="utf-8", newline="")
        (root / "votes.csv").write_text(votes_text, encoding="utf-8", newline="")
        try:
            loaded = read_export(root)
        except StratstabError:
            return
    known = {comment.comment_id for comment in loaded.comments}
    assert all(vote.comment_id in known for vote in loaded.votes)
    assert all(comment.text.strip() and "\x00" not in comment.text for comment in loaded.comments)
