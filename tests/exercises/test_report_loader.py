"""After-action report sections and escaping; loader errors name file and field."""

from __future__ import annotations

import pytest

from stratstab.errors import InputError, NotFoundError
from stratstab.exercises import build_players, load_exercise, run_exercise
from stratstab.exercises.loader import exercise_from_text
from stratstab.exercises.report import render_report, write_report

MINIMAL = """
name: Test
setting: "A <script>alert(1)</script> setting & more"
actors:
  US: {name: United States, objectives: ["Stay <calm>"]}
  CN: {name: China, objectives: [Stay calm]}
actions:
  - {id: talk, label: "Talk & listen", rung: communication}
  - id: alert
    label: Alert
    rung: posturing
    effects: [{side: self, lever: posture, set: generated}]
injects:
  - {id: outage, turn: 1, channel_outage_turns: 1, text: "Link <down>"}
turns: 2
"""


def _record(text: str = MINIMAL) -> dict:
    loaded = exercise_from_text(text, source="test.yaml", default_id="test")
    players = build_players({"US": "cautious", "CN": "hawkish"}, seed=0)
    return run_exercise(loaded, players, seed=0).to_dict()


def test_report_has_every_section_and_escapes_text():
    html = render_report(_record(), cited_history=["hotline-mou-1963"])
    for section in ("summary", "lessons", "setting", "figures", "turns", "channel", "history"):
        assert f"<section id='{section}'>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Talk &amp; listen" in html and "Link &lt;down&gt;" in html
    assert html.count("<svg") == 4
    assert "Memorandum of Understanding Regarding the Establishment of a Direct" in html
    assert "Response time" in html and "--accent" in html  # the workbench's style sheet


def test_chinese_report_has_no_english_interface_text():
    from stratstab.exercises import load_exercise
    from stratstab.exercises.wording import T

    loaded = load_exercise("black-swan-dialogue-cancelled")
    players = build_players({"US": "cautious", "CN": "hawkish"}, seed=2)
    record = run_exercise(loaded, players, seed=2).to_dict()
    html = render_report(record, cited_history=list(loaded.exercise.history), lang="zh")
    assert "<html lang='zh-Hans'>" in html and "演习复盘报告" in html
    text = html.split("<body>", 1)[1]
    for english, _chinese in T.values():
        if len(english) > 3:
            assert f">{english}<" not in text, english
    for english in ("Turn 1", "Stated reason", "cautious", "hawkish", "Propose a new date"):
        assert english not in text, english
    assert "谨慎型准则" in text and "强硬型准则" in text


def test_write_report_html_only(tmp_path):
    paths = write_report(_record(), tmp_path / "out", pdf=False)
    assert [p.name for p in paths] == ["report.html"]


def test_outage_inject_queues_messages_without_loss():
    record = _record()
    assert record["failed_delivery_turns"] == [1] or record["turns"][0]["channel_up"] is False
    sent = [m["seq"] for m in record["channel_log"]]
    assert sent == sorted(sent) == list(range(len(sent)))


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("rung: posturing", "rung: invasion"), "actions[1].rung"),
        (
            ("lever: posture, set: generated", "lever: posture, set: red"),
            "actions[1].effects[0].set",
        ),
        (("lever: posture, set: generated", "lever: warp, set: 1"), "actions[1].effects[0].set"),
        (("lever: posture, set: generated", "lever: posture, add: 1"), "actions[1].effects[0].add"),
        (("turn: 1,", "turn: 1, when: {index_below: 0.3},"), "injects[0]"),
        (("side: self", "side: US"), "actions[1]"),
    ],
)
def test_malformed_files_name_the_field(edit, field):
    text = MINIMAL.replace(*edit)
    with pytest.raises(InputError) as caught:
        exercise_from_text(text, source="test.yaml", default_id="test")
    assert caught.value.source == "test.yaml"
    assert (caught.value.field or "").startswith(field)


def test_unknown_history_and_scenario():
    with pytest.raises(InputError, match="history"):
        exercise_from_text(MINIMAL + "history: [no-such-treaty]\n", source="t.yaml", default_id="t")
    with pytest.raises(NotFoundError):
        load_exercise("no-such-exercise")
    with pytest.raises(InputError, match="top level"):
        exercise_from_text("- a\n- b\n", source="t.yaml", default_id="t")
