"""Adjudication tells moves apart on five measures and says why, in both languages."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stratstab.exercises import ExerciseModel, load_exercise
from stratstab.exercises.actors.base import Decision, Observation
from stratstab.exercises.schema import ExerciseScenario


@dataclass
class Scripted:
    """A player that plays a fixed list of action ids (one per turn)."""

    moves: list[str]
    name: str = "scripted"

    def decide(self, observation: Observation) -> Decision:
        return Decision(action=self.moves[observation.turn - 1], reason="scripted")


def first_turn(exercise_id: str, us_move: str, cn_move: str):
    loaded = load_exercise(exercise_id)
    model = ExerciseModel(
        loaded, {"US": Scripted([us_move] * 8), "CN": Scripted([cn_move] * 8)}, seed=3
    )
    start = model.measures
    outcome = model.step()
    return start, outcome


def test_limited_nuclear_strike_and_diplomatic_note_differ_on_every_measure():
    _, note = first_turn(
        "black-swan-dialogue-cancelled", "propose-new-date", "hold-and-signal-patience"
    )
    _, strike = first_turn(
        "black-swan-dialogue-cancelled", "nuclear-use", "hold-and-signal-patience"
    )
    a, b = note.measures, strike.measures
    assert abs(a.crisis_stability_index - b.crisis_stability_index) > 0.01
    assert b.escalation_level - a.escalation_level >= 3
    assert b.nuclear_use_risk > 20 * a.nuclear_use_risk
    assert a.damage["CN"] == 0.0 and b.damage["CN"] > 0.0
    assert a.detonations["CN"] == 0 and b.detonations["CN"] == 4
    assert a.channel_credibility - b.channel_credibility > 0.3
    assert "warheads detonated on China" in strike.explanations["US"]["en"]
    assert "枚弹头爆炸" in strike.explanations["US"]["zh"]


def test_alerting_is_explained_as_a_trade_between_index_and_risk():
    start, outcome = first_turn(
        "black-swan-dialogue-cancelled", "propose-new-date", "raise-strategic-alert"
    )
    alone = outcome.explanations["CN"]["en"]
    assert "alert posture day-to-day → generated" in alone
    assert "crisis-stability index +" in alone and ", but the risk" in alone
    assert outcome.measures.nuclear_use_risk > start.nuclear_use_risk
    zh = outcome.explanations["CN"]["zh"]
    assert "戒备状态 日常 → 战备" in zh and "但" in zh
    assert not any(word in zh for word in ("alert", "index", "risk", "escalation"))


def test_nuclear_use_readies_the_struck_side_and_the_hawk_answers_in_kind():
    from stratstab.exercises import build_players

    loaded = load_exercise("black-swan-dialogue-cancelled")
    players = build_players({"US": "hawkish", "CN": "hawkish"}, seed=1)
    players["US"] = Scripted(["nuclear-use"] + ["hold-and-signal-patience"] * 7)
    model = ExerciseModel(loaded, players, seed=1)
    model.step()
    assert model.levers["CN.launch_under_attack"] >= 0.9
    assert model.levers["CN.posture"] == "generated"
    second = model.step()
    assert second.decisions["CN"].action == "nuclear-use"
    assert "answers in kind" in second.decisions["CN"].reason


def test_a_run_ends_as_nuclear_war_when_damage_passes_the_threshold():
    from importlib.resources import files

    from stratstab.exercises.loader import exercise_from_text

    text = (
        files("stratstab.exercises.scenarios") / "black-swan-dialogue-cancelled.yaml"
    ).read_text(encoding="utf-8")
    text = text.replace("{warheads: 4, targets: military}", "{warheads: 200, targets: value}")
    loaded = exercise_from_text(text, source="test", default_id="general-war")
    model = ExerciseModel(
        loaded,
        {"US": Scripted(["nuclear-use"] * 8), "CN": Scripted(["nuclear-use"] * 8)},
        seed=0,
    )
    record = model.run().to_dict()
    assert record["ended_by"] == "nuclear-war"
    assert record["turns_played"] == 1
    assert max(record["summary"]["damage_end"].values()) >= loaded.exercise.war_damage_threshold
    assert 0 < record["summary"]["cumulative_risk"] <= 1


def test_nuclear_block_required_on_the_nuclear_rung_only():
    with pytest.raises(ValueError, match="nuclear block"):
        ExerciseScenario.model_validate(
            {
                "id": "x",
                "name": "x",
                "setting": "x",
                "actors": {
                    "US": {"name": "US", "objectives": ["a"]},
                    "CN": {"name": "CN", "objectives": ["a"]},
                },
                "actions": [
                    {"id": "a", "label": "a", "rung": "communication"},
                    {"id": "b", "label": "b", "rung": "nuclear-use"},
                ],
            }
        )


def test_every_builtin_exercise_speaks_chinese_too():
    from stratstab.exercises import list_exercises

    for row in list_exercises():
        exercise = load_exercise(row["id"]).exercise
        assert exercise.name_zh and exercise.setting_zh and exercise.description_zh, row["id"]
        for actor in exercise.actors.values():
            assert len(actor.objectives_zh) == len(actor.objectives), row["id"]
        for action in exercise.actions:
            assert action.label_zh, (row["id"], action.id)
        for inject in exercise.injects:
            assert inject.text_zh, (row["id"], inject.id)


def test_lessons_name_nuclear_use_and_missed_deadlines_in_both_languages():
    from stratstab.exercises import build_players
    from stratstab.exercises.lessons import lessons

    loaded = load_exercise("black-swan-dialogue-cancelled")
    players = build_players({"US": "hawkish", "CN": "hawkish"}, seed=1)
    players["US"] = Scripted(["nuclear-use"] + ["hold-and-signal-patience"] * 7)
    record = ExerciseModel(loaded, players, seed=1).run().to_dict()
    english = " ".join(lessons(record, lang="en"))
    chinese = " ".join(lessons(record, lang="zh"))
    assert "Nuclear weapons were used (by China and United States)" in english
    assert "Survivable is not safe: on turn 1 " not in english  # nuclear use is no alerting
    assert "not acknowledged by their deadline" in english
    assert "发生了核武器使用" in chinese and "逾期" in chinese


def test_the_new_scenarios_cite_their_sources_and_run():
    from stratstab.exercises import build_players, run_exercise
    from stratstab.exercises.report import render_report

    for exercise_id in ("taiwan-strait-blockade", "asat-approach-early-warning"):
        loaded = load_exercise(exercise_id)
        assert len(loaded.exercise.sources) >= 2
        assert all("https://" in source for source in loaded.exercise.sources)
        players = build_players({"US": "tit-for-tat", "CN": "hawkish"}, seed=3)
        record = run_exercise(loaded, players, seed=3).to_dict()
        html = render_report(record, lang="zh")
        assert "情景的资料来源" in html and loaded.exercise.sources[0][:20] in html
