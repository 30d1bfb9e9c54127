"""Exercises with three sides (United States, China, Russia): the CLI run with doctrines,
per-pair adjudication, explanations naming the pair, the report, and the reduction to
the two-sided run when the third side has no forces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from typer.testing import CliRunner

from stratstab.cli.main import app
from stratstab.exercises import build_players, load_exercise, run_exercise
from stratstab.exercises.actors.base import Decision, Observation
from stratstab.exercises.report import render_report
from stratstab.exercises.schema import ExerciseScenario, ScenarioSource
from stratstab.packaged import builtin_yaml_files

THREE = "pacific-incident-russian-alert"
runner = CliRunner()


def test_a_three_sided_cli_run_with_doctrines_adjudicates_every_pair(tmp_path: Path) -> None:
    args = ["exercise", "run", THREE, "--players", "US=tit-for-tat,CN=cautious,RU=hawkish"]
    args += ["--seed", "3", "--turns", "3", "--json", "--report", str(tmp_path / "aar")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert list(record["actors"]) == ["US", "CN", "RU"]
    assert record["turns_played"] == 3
    for turn in record["turns"]:
        assert set(turn["decisions"]) == {"US", "CN", "RU"}
        measures = turn["measures"]
        pairs = measures["pair_indices"]
        assert set(pairs) == {"US-CN", "US-RU", "CN-RU"}
        # The system index is the weakest pair's index.
        weakest = "-".join(measures["weakest_pair"])
        assert measures["crisis_stability_index"] == pytest.approx(min(pairs.values()))
        assert pairs[weakest] == pytest.approx(min(pairs.values()))
        # Each outcome names the weakest pair in both languages.
        names = {
            "US": ("United States", "美国"),
            "CN": ("China", "中国"),
            "RU": ("Russia", "俄罗斯"),
        }
        first, second = measures["weakest_pair"]
        assert f"weakest pair {names[first][0]}–{names[second][0]}" in turn["outcome"]["en"]
        assert f"最弱的一对为{names[first][1]}—{names[second][1]}" in turn["outcome"]["zh"]
    # Russia's hawkish doctrine never drops below posturing.
    assert all(t["decisions"]["RU"]["score"] >= 2 for t in record["turns"])
    html = (tmp_path / "aar" / "report.html").read_text(encoding="utf-8")
    assert "Russia" in html and "China" in html and "United States" in html
    assert ".; " not in html  # each objective is its own list item
    # The index chart: the system index and every pair, each in a legend.
    assert "System index (the weakest" in html
    for pair in ("United States–China", "United States–Russia", "China–Russia"):
        assert pair in html
    _index_figure_keeps_system_and_pairs_apart(record)


def _index_figure_keeps_system_and_pairs_apart(record: dict) -> None:
    """The system index sits alone in the upper panel, every pair in the lower one."""
    from stratstab.exercises.report_figures import figures

    pairs = {
        "en": ("United States–China", "United States–Russia", "China–Russia"),
        "zh": ("美国—中国", "美国—俄罗斯", "中国—俄罗斯"),
    }
    system = {"en": "System index (the weakest pair", "zh": "体系指数（取最弱的一对）"}
    for lang in ("en", "zh"):
        svg = figures(record, lang=lang)["index"]
        assert svg.count('id="axes_') == 2
        top, bottom = svg.split('id="axes_2"')
        assert system[lang] in top and system[lang] not in bottom
        # Every pair has its legend entry in the lower panel.
        for name in pairs[lang]:
            assert name in bottom
        lines = [line for line in bottom.split("<path") if "stroke-dasharray" in line]
        assert len(lines) >= 3  # each pair dashed in its own way
        if lang == "zh":
            for english in ("United States", "China", "Russia", "index", "turn", "System"):
                assert english not in svg, english


def test_the_two_sided_index_figure_is_one_panel(tmp_path: Path) -> None:
    from stratstab.exercises.report_figures import figures

    players = build_players({"US": "hawkish", "CN": "tit-for-tat"}, seed=2)
    record = run_exercise(load_exercise("maritime-incident"), players, seed=2, turns=2).to_dict()
    for lang in ("en", "zh"):
        svg = figures(record, lang=lang)["index"]
        assert svg.count('id="axes_') == 1 and 'id="legend_1"' in svg


def test_a_nuclear_action_among_three_sides_must_name_its_target() -> None:
    data = yaml.safe_load(builtin_yaml_files("stratstab.exercises.scenarios")[THREE].read_text())
    for action in data["actions"]:
        if action.get("nuclear"):
            action.pop("target")
    with pytest.raises(ValueError, match="must name its target"):
        ExerciseScenario.model_validate({"id": "x", **data})


def test_targeted_effects_land_on_the_target_only() -> None:
    loaded = load_exercise(THREE)
    model_levers = {}
    from stratstab.exercises.adjudication import apply_effects

    action = loaded.exercise.action("asw-sweep-russia")
    out = apply_effects(
        loaded.base,
        model_levers,
        action.effects,
        actor="US",
        targets=loaded.exercise.targets("US", action.id),
    )
    assert set(out) == {"RU.survivability_ssbn"}


class Bystander:
    """A side that always takes its least escalatory move and sends nothing."""

    name = "bystander"

    def decide(self, observation: Observation) -> Decision:
        lowest = min(observation.menu, key=lambda item: (item.score, item.id))
        return Decision(action=lowest.id, reason="stands aside")


def _maritime(scenario: str) -> dict:
    text = builtin_yaml_files("stratstab.exercises.scenarios")["maritime-incident"].read_text()
    data = yaml.safe_load(text)
    data["actions"] = [a for a in data["actions"] if not a.get("nuclear")]
    data["assessment"] = {"scenario": scenario}
    return data


def test_a_third_side_without_forces_adjudicates_like_the_two_sided_run(tmp_path: Path) -> None:
    spec = yaml.safe_load(
        builtin_yaml_files("stratstab.analysis.scenarios")["us-china-russia-2024"].read_text()
    )
    spec.pop("assumptions", None)
    spec.pop("beliefs", None)  # for `uncertainty`; adjudication does not read them
    # The United States and China aim everything at each other and hold nothing back.
    spec["doctrine"] = {
        "US": {"weights": {"CN": 1.0, "RU": 0.0}, "reserve": 0.0},
        "CN": {"weights": {"US": 1.0, "RU": 0.0}, "reserve": 0.0},
        "RU": {"weights": {"US": 0.5, "CN": 0.5}, "reserve": 0.0},
    }
    two_spec = {
        key: ({s: v for s, v in value.items() if s != "RU"} if isinstance(value, dict) else value)
        for key, value in spec.items()
        if key != "doctrine"
    }
    # Russia keeps no forces at all: every Russian delivery system at zero launchers.
    from stratstab.forces.loader import load_dataset

    russia = load_dataset("russia-2024")
    spec["forces"]["RU"] = {
        "dataset": "russia-2024",
        "overrides": {f"{system.name}.launchers": 0 for system in russia.systems},
    }
    (tmp_path / "three.yaml").write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    (tmp_path / "two.yaml").write_text(yaml.safe_dump(two_spec, sort_keys=False), encoding="utf-8")
    two = _maritime(str(tmp_path / "two.yaml"))
    three = _maritime(str(tmp_path / "three.yaml"))
    three["actors"]["RU"] = {"name": "Russia", "objectives": ["Stay out of it."]}
    for data, name in ((two, "two"), (three, "three")):
        text = yaml.safe_dump(data, sort_keys=False)
        (tmp_path / f"{name}-exercise.yaml").write_text(text, encoding="utf-8")

    def play(name: str, third: bool) -> dict:
        loaded = load_exercise(str(tmp_path / f"{name}-exercise.yaml"))
        players = build_players({"US": "hawkish", "CN": "tit-for-tat"}, seed=11)
        if third:
            players["RU"] = Bystander()
        return run_exercise(loaded, players, seed=11, turns=5).to_dict()

    two_run, three_run = play("two", False), play("three", True)
    assert three_run["turns_played"] == two_run["turns_played"] == 5
    for mine, theirs in zip(three_run["turns"], two_run["turns"], strict=True):
        for side in ("US", "CN"):
            assert mine["decisions"][side]["action"] == theirs["decisions"][side]["action"]
        a, b = mine["measures"], theirs["measures"]
        assert a["weakest_pair"] == ["US", "CN"]
        # A side without forces neither threatens nor can be disarmed: its pairs read 1.
        assert a["pair_indices"]["US-RU"] == a["pair_indices"]["CN-RU"] == 1.0
        assert a["pair_indices"]["US-CN"] == pytest.approx(b["crisis_stability_index"], abs=1e-6)
        assert a["crisis_stability_index"] == pytest.approx(b["crisis_stability_index"], abs=1e-6)
        for key in ("escalation_level", "nuclear_use_risk", "channel_credibility"):
            assert a[key] == pytest.approx(b[key], rel=1e-6, abs=1e-9), key
        assert {s: a["damage"][s] for s in ("US", "CN")} == b["damage"]


VARIANTS = {
    "early-warning-satellite-loss-three-sided": "early-warning-satellite-loss",
    "nc3-cyber-intrusion-three-sided": "nc3-cyber-intrusion",
    "asat-approach-early-warning-three-sided": "asat-approach-early-warning",
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_older_scenarios_have_three_sided_variants_of_the_same_story(variant: str) -> None:
    three = load_exercise(variant)
    two = load_exercise(VARIANTS[variant])
    assert three.exercise.sides == ("US", "CN", "RU")
    assert three.exercise.assessment.scenario == "us-china-russia-2024"
    assert len(three.exercise.sources) >= 4
    # The two-sided version stays as it was: two sides on the US–China baseline.
    assert two.exercise.sides == ("US", "CN")
    assert two.exercise.assessment.scenario == "us-china-2024-baseline"
    # Every two-sided move aimed at nobody in particular is still on the menu; the ones
    # aimed at "the other side" become one move per target.
    untargeted = {
        a.id for a in two.exercise.actions if not any(e.side == "other" for e in a.effects)
    }
    untargeted -= {a.id for a in two.exercise.actions if a.nuclear}
    assert untargeted <= {a.id for a in three.exercise.actions}
    for action in three.exercise.actions:
        if any(e.side == "other" for e in action.effects) or action.nuclear:
            assert action.target in ("US", "CN", "RU"), action.id
    # Russia has its own inject on turn 1 and a menu of its own.
    assert any(i.turn == 1 and i.to == "RU" for i in three.exercise.injects)
    ru_menu = {a.id for a in three.exercise.menu("RU")}
    assert ru_menu and all(a.target != "RU" for a in three.exercise.menu("RU"))
    assert len(three.exercise.menu("RU")) >= 8


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_three_sided_variant_adjudicates_every_pair(variant: str) -> None:
    loaded = load_exercise(variant)
    players = build_players({"US": "tit-for-tat", "CN": "cautious", "RU": "hawkish"}, seed=1)
    record = run_exercise(loaded, players, seed=1, turns=3).to_dict()
    start = record["measures"]
    assert set(start["pair_indices"]) == {"US-CN", "US-RU", "CN-RU"}
    for turn in record["turns"]:
        pairs = turn["measures"]["pair_indices"]
        assert turn["measures"]["crisis_stability_index"] == pytest.approx(min(pairs.values()))
        assert set(turn["decisions"]) == {"US", "CN", "RU"}
    # Russia's own turn-1 inject reached Russia alone.
    first = record["turns"][0]
    ru_only = [i for i in loaded.exercise.injects if i.turn == 1 and i.to == "RU"][0]
    assert {(i["id"], i["to"]) for i in first["injects"]} >= {(ru_only.id, "RU")}


def test_russia_s_warning_gap_lowers_only_russia_s_launch_under_attack() -> None:
    from stratstab.analysis.reference.inputs import resolve
    from stratstab.analysis.reference.values import lever_value

    loaded = load_exercise("early-warning-satellite-loss-three-sided")
    start = resolve(loaded.base, None, dict(loaded.exercise.assessment.levers))
    assert lever_value(start, "RU", "launch_under_attack") == pytest.approx(0.5)
    assert lever_value(start, "US", "launch_under_attack") == pytest.approx(0.5)
    assert lever_value(start, "CN", "launch_under_attack") == pytest.approx(0.0)


class Watched:
    """A doctrine whose observations and decisions are kept for the test to read."""

    def __init__(self, player) -> None:
        self.player, self.name, self.seen = player, player.name, []

    def decide(self, observation: Observation) -> Decision:
        decision = self.player.decide(observation)
        self.seen.append((observation, decision))
        return decision


@pytest.mark.parametrize(
    "exercise_id",
    [THREE, *sorted(VARIANTS)],
)
def test_doctrines_act_on_and_write_to_sides_by_the_stated_rule(exercise_id: str) -> None:
    kinds = {"US": "hawkish", "CN": "cautious", "RU": "hawkish"}
    players = {s: Watched(p) for s, p in build_players(kinds, seed=4).items()}
    record = run_exercise(load_exercise(exercise_id), players, seed=4, turns=6).to_dict()
    log = {m["seq"]: m for m in record["channel_log"]}
    checked = {"move": 0, "reply": 0, "query": 0, "threat": 0, "notice": 0, "proposal": 0}
    for side, watched in players.items():
        for observation, decision in watched.seen:
            others = {s for s in ("US", "CN", "RU") if s != side}
            assert set(observation.others) == others
            # Moves: aimed at the side faced, or at nobody.
            choice = observation.item(decision.action)
            assert choice.target in (None, observation.opponent), (side, choice.id)
            checked["move"] += 1
            proposals = [m for m in decision.messages if m.kind == "proposal"]
            if proposals:
                assert {m.to for m in proposals} == others
                checked["proposal"] += 1
            for message in decision.messages:
                if message.in_reply_to is not None:
                    assert message.to is None  # the engine sends it to whoever asked
                    checked["reply"] += 1
                elif message.kind == "query":
                    assert message.to == observation.opponent
                    checked["query"] += 1
                elif message.kind == "notification" and "unless you withdraw" in message.text:
                    assert message.to == (choice.target or observation.opponent)
                    checked["threat"] += 1
                elif message.kind == "notification" and "Advance notice" in message.text:
                    expected = {choice.target} if choice.target else others
                    sent = {m.to for m in decision.messages if m.text == message.text}
                    assert sent == expected
                    checked["notice"] += 1
    # A reply reached the sender of what it answers.
    for message in log.values():
        if message["in_reply_to"] is not None:
            assert message["recipient"] == log[message["in_reply_to"]]["sender"]
    assert checked["move"] == 18 and checked["threat"] > 0
    assert checked["notice"] > 0 and checked["proposal"] > 0


def test_the_llm_player_may_name_a_recipient_among_the_other_sides() -> None:
    from stratstab.exercises.actors.base import PlayerError
    from stratstab.exercises.actors.llm import parse_reply

    loaded = load_exercise(THREE)
    observations = {}

    class Capture:
        name = "capture"

        def decide(self, observation: Observation) -> Decision:
            observations[observation.side] = observation
            return Decision(action="hold-and-consult", reason="r")

    players = {s: Capture() for s in loaded.exercise.sides}
    run_exercise(loaded, players, seed=1, turns=1)
    us = observations["US"]
    reply = (
        '{"action": "hold-and-consult", "reason": "r", '
        '"message": {"kind": "%s", "text": "t", "to": %s}}'
    )
    assert parse_reply(reply % ("query", '"RU"'), us).messages[0].to == "RU"
    assert parse_reply(reply % ("query", "null"), us).messages[0].to is None
    for bad in ('"US"', '"XX"', "3"):
        with pytest.raises(PlayerError, match="message 'to'"):
            parse_reply(reply % ("query", bad), us)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_variant_cites_each_source_with_title_publisher_date_and_dated_address(
    variant: str,
) -> None:
    sources = load_exercise(variant).exercise.sources
    assert sources and all(isinstance(s, ScenarioSource) for s in sources)
    # Each address is the primary publication's, recorded on a stated day.
    linked = [s for s in sources if s.url]
    assert linked and all(s.url.startswith("https://") and s.accessed for s in linked)
    record = run_exercise(
        load_exercise(variant),
        build_players({"US": "cautious", "CN": "cautious", "RU": "cautious"}, seed=0),
        seed=0,
        turns=1,
    ).to_dict()
    html = render_report(record, lang="zh")
    for source in linked:
        assert f"<a href='{source.url}'>" in html
    assert f"访问于 {linked[0].accessed}" in html and sources[0].title in html
    # What the scenario takes from each source is said in both languages.
    assert all(s.used_for and s.used_for_zh for s in sources)
    assert all(s.used_for_zh in html and s.used_for not in html for s in sources)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"accessed": None}, "go together"),
        ({"url": "https://en.wikipedia.org/wiki/Kosmos_2543"}, "primary"),
        ({"url": "http://example.gov/x"}, "https://"),
        ({"published": "July 2020"}, "published"),
    ],
)
def test_a_source_without_a_dated_primary_address_is_refused(change, message) -> None:
    good = {
        "title": "Global Counterspace Capabilities",
        "publisher": "Secure World Foundation",
        "published": "2024-04",
        "url": "https://swfound.org/counterspace/",
        "accessed": "2026-12-03",
    }
    ScenarioSource(**good)
    with pytest.raises(ValidationError, match=message):
        ScenarioSource(**{**good, **change})
