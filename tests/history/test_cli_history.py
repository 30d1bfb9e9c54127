"""``stratstab history`` commands, through the real entry point for error handling."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from stratstab.cli.main import app, main

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["history", *args])


def test_list_json_and_filters():
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data) >= 30 and {"id", "name_en", "name_zh", "dates", "sources"} <= set(data[0])
    china = json.loads(run("list", "--party", "CN", "--json").stdout)
    assert all("CN" in e["parties"] for e in china)
    treaties = json.loads(run("list", "--type", "treaty", "--status", "in force", "--json").stdout)
    assert treaties and all(e["type"] == "treaty" and e["status"] == "in force" for e in treaties)


def test_list_table_renders_chinese():
    result = run("list", "--party", "CN")
    assert result.exit_code == 0
    assert "中美" in result.stdout or "不扩散" in result.stdout


def test_show_both_languages_and_json():
    en = run("show", "new-start")
    assert en.exit_code == 0 and "Lesson for a China–US dialogue" in en.stdout
    zh = run("show", "new-start", "--lang", "zh")
    assert "对中美对话的启示" in zh.stdout and "来源" in zh.stdout
    assert "published 2021-02-03; accessed" in " ".join(en.stdout.split())
    assert "访问于" in zh.stdout and "accessed" not in zh.stdout
    data = json.loads(run("show", "new-start", "--json").stdout)
    assert data["dates"] == {
        "signed": "2010-04-08",
        "in_force": "2011-02-05",
        "ended": "2026-02-05",
    }
    assert all(s["published"] and s["accessed"] for s in data["sources"])


def test_timeline_text_and_json():
    text = run("timeline", "--from", "1960", "--to", "1969")
    assert text.exit_code == 0 and "1960s" in text.stdout and "1970s" not in text.stdout
    events = json.loads(run("timeline", "--json").stdout)
    assert all(len(ev["date"]) == 10 and ev["date"][4] == "-" for ev in events)
    assert {"date", "date_precision", "entry_id", "kind", "label_en", "label_zh"} <= set(events[0])


def test_glossary_list_term_and_json():
    listing = run("glossary")
    assert listing.exit_code == 0 and "危机稳定性" in listing.stdout
    one = run("glossary", "SSPK", "--lang", "zh")
    assert "单发杀伤概率" in one.stdout and "stratstab calc sspk" in one.stdout
    data = json.loads(run("glossary", "--json").stdout)
    assert len(data) >= 30
    assert json.loads(run("glossary", "cep", "--json").stdout)["term_zh"] == "圆概率偏差"


def _main(capsys, monkeypatch, *args: str) -> tuple[int, str]:
    """Run the real entry point (error handling included) in-process; return (code, stderr)."""
    monkeypatch.setattr(sys, "argv", ["stratstab", "history", *args])
    with pytest.raises(SystemExit) as info:
        main()
    return info.value.code, capsys.readouterr().err


def test_bad_id_is_one_line_with_suggestions_exit_2(capsys, monkeypatch):
    code, err = _main(capsys, monkeypatch, "show", "new-strat")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "new-start" in lines[0] and "Traceback" not in err


def test_bad_options_exit_2(capsys, monkeypatch):
    assert _main(capsys, monkeypatch, "show", "npt", "--lang", "fr")[0] == 2
    code, err = _main(capsys, monkeypatch, "glossary", "no-such-thing")
    assert code == 2 and "no glossary term" in err
    code, err = _main(capsys, monkeypatch, "list", "--party", "XX")
    assert code == 2 and "unknown party" in err
