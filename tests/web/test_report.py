"""The outcome report: formats × roles × languages, sealing, Chatham House, CLI, PDF."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from stratstab.cli.main import app as cli_app
from stratstab.reports import pdf

from ..dialogue.test_cli_dialogue import _stratstab
from .dialogue_setup import (
    PARTIES,
    PASSWORD,
    PEOPLE,
    SLUG,
    STATEMENTS,
    make_accounts,
    make_dialogue,
)
from .helpers import build_app, login, recompute_consensus

CN_SECRET = "Red line: the CN delegation will not discuss interceptor numbers."
CN_PENDING = "我们建议设立联合预警中心。"
SEALED_TEXT = "A statement the facilitator keeps sealed until the reveal."
READERS = ("fac", "tr", "obs", "cn-a", "us-a", "ru-a")
REPORT = f"/api/v1/dialogues/{SLUG}/report"


def _login(app, username: str):
    return login(app, username, PASSWORD)


@pytest.fixture(scope="module")
def trilateral(tmp_path_factory):
    """Three parties; CN has filed a sealed position and a pending statement."""
    app = build_app(f"sqlite:///{tmp_path_factory.mktemp('report') / 'r.sqlite'}")
    make_accounts(app)
    make_dialogue(app)
    cn, fac = _login(app, "cn-a"), _login(app, "fac")
    assert (
        cn.put(
            f"/api/v1/dialogues/{SLUG}/scope/missile-defense",
            json={"stance": "include", "priority": 5, "note": CN_SECRET},
        ).status_code
        == 200
    )
    assert cn.post(f"/api/v1/dialogues/{SLUG}/statements", json={"text_zh": CN_PENDING}).is_success
    us_vote = {"statement": "0", "value": 1}
    assert _login(app, "us-a").post(f"/api/v1/dialogues/{SLUG}/votes", json=us_vote).is_success
    sealed = fac.post(
        f"/api/v1/dialogues/{SLUG}/statements", json={"text_en": SEALED_TEXT, "sealed": True}
    )
    assert sealed.status_code == 201
    recompute_consensus(app)
    return app


@pytest.mark.parametrize("reader", READERS)
def test_every_reader_gets_every_format_and_language(trilateral, reader):
    client = _login(trilateral, reader)
    for lang in ("en", "zh"):
        page = client.get(REPORT, params={"format": "html", "lang": lang})
        assert page.status_code == 200, page.text
        assert page.headers["content-type"].startswith("text/html")
        assert f'lang="{"zh-Hans" if lang == "zh" else "en"}"' in page.text
        assert "inline" in page.headers["content-disposition"]
        data = client.get(REPORT, params={"format": "json", "lang": lang})
        assert data.status_code == 200 and "attachment" in data.headers["content-disposition"]
        report = data.json()
        assert report["language"] == lang and report["provenance"]["generated_by"] == reader
        assert [d["code"] for d in report["delegations"]] == list(PARTIES)
        assert {f["statement"] for f in report["findings"]} == {"0", "1", "2"}
    kinds = {f["statement"]: f["kind"] for f in report["findings"]}
    assert kinds == {"0": "delegations_agree", "1": "delegations_split", "2": "delegations_split"}


def _everything(client, **params) -> str:
    parts = []
    for lang in ("en", "zh"):
        for fmt in ("html", "json"):
            answer = client.get(REPORT, params={"format": fmt, "lang": lang, **params})
            assert answer.status_code == 200
            parts.append(answer.content.decode())
    return "\n".join(parts)


def test_no_report_holds_another_partys_sealed_material(trilateral):
    for reader in ("us-a", "ru-a", "obs", "tr", "fac"):
        text = _everything(_login(trilateral, reader))
        assert CN_SECRET not in text and json.dumps(CN_SECRET)[1:-1] not in text
        assert CN_PENDING not in text and SEALED_TEXT not in text
        report = _login(trilateral, reader).get(REPORT, params={"format": "json"}).json()
        assert report["scope"]["rows"] == []  # not which topic, not how many
        assert "sealed" not in json.dumps(report["scope"])
    own = _everything(_login(trilateral, "cn-a"))
    assert CN_SECRET in own  # a delegation reads its own sealed position
    assert CN_PENDING not in own and SEALED_TEXT not in own  # the report is the public record


def test_revealed_positions_reach_every_report(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'reveal.sqlite'}")
    make_accounts(app)
    make_dialogue(app, votes=False)
    for user, stance in (("cn-a", "include"), ("us-a", "exclude"), ("ru-a", "include")):
        answer = _login(app, user).put(
            f"/api/v1/dialogues/{SLUG}/scope/missile-defense",
            json={"stance": stance, "priority": 4, "note": f"{user} note"},
        )
        assert answer.status_code == 200
    assert "cn-a note" not in _login(app, "us-a").get(REPORT, params={"format": "json"}).text
    for head in ("cn-a", "us-a", "ru-a"):
        declared = _login(app, head).post(
            f"/api/v1/dialogues/{SLUG}/scope/complete", json={"complete": True, "confirm": True}
        )
        assert declared.status_code == 200, declared.text
    revealed = _login(app, "fac").post(
        f"/api/v1/dialogues/{SLUG}/scope/reveal", json={"confirm": True}
    )
    assert revealed.status_code == 200, revealed.text
    report = _login(app, "us-a").get(REPORT, params={"format": "json"}).json()
    (row,) = report["scope"]["rows"]
    assert row["topic"] == "missile-defense" and set(row["positions"]) == set(PARTIES)
    assert row["positions"]["CN"]["note"] == "cn-a note" and row["positions"]["CN"]["revealed"]
    assert report["scope"]["agenda"]["stages"]
    assert report["findings"] == []  # no votes: no finding is claimed


def test_chatham_house_counts_instead_of_names(trilateral):
    client = _login(trilateral, "us-a")
    named = client.get(REPORT, params={"format": "json"}).json()["participants"]
    us = {(p["name"], p["role"]) for p in named["names"]["US"]}
    assert {("us-a display", "head"), ("us-sim-0", None)} <= us
    hidden = _everything(client, chatham_house="true")
    assert "us-a" not in hidden and "-sim-" not in hidden
    report = client.get(REPORT, params={"format": "json", "chatham_house": "true"}).json()
    assert report["participants"]["names"] is None
    assert report["participants"]["counts"]["US"] == 6  # us-a, us-b and four simulated voters


def test_participants_are_the_members_with_their_roles(trilateral):
    """Every member is listed by delegation with their role, whether or not they acted."""
    report = _login(trilateral, "obs").get(REPORT, params={"format": "json"}).json()
    people = report["participants"]
    named = {code: {(p["name"], p["role"]) for p in people["names"][code]} for code in PARTIES}
    # cn-b and us-b never voted nor wrote; they are members all the same.
    assert {("cn-a display", "head"), ("cn-b display", "delegate")} <= named["CN"]
    assert {("us-a display", "head"), ("us-b display", "delegate")} <= named["US"]
    assert ("ru-a display", "head") in named["RU"]
    others = {(p["name"], p["role"]) for p in people["other_names"]}
    assert others == {
        ("fac display", "facilitator"),
        ("tr display", "translator"),
        ("obs display", "observer"),
    }
    html = _login(trilateral, "cn-a").get(REPORT, params={"format": "html", "lang": "zh"}).text
    assert 'cn-b display <span class="muted">(代表)</span>' in html
    assert 'cn-a display <span class="muted">(代表团团长)</span>' in html


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script", "code")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script", "code")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


# Names that stay Latin in Chinese text: software, formats, methods' authors, codes.
LATIN_ALLOWED = {
    *("stratstab", "pdf", "json", "html", "pol", "is", "utc"),
    *("clopper", "pearson", "benjamini", "hochberg"),
    *("cn", "us", "ru", "ii", "p", "q", "k", "r"),
    *"abcdefgh",  # opinion groups are lettered
}


def test_chinese_report_has_no_english_interface_text(trilateral):
    client = _login(trilateral, "cn-a")
    html = client.get(REPORT, params={"format": "html", "lang": "zh"}).text
    parser = _VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    # What people wrote stays as written: statements (the original beside the
    # translation), the English title beside the Chinese one, names and notes.
    content = [s[0] for s in STATEMENTS] + ["Trilateral strategic stability dialogue"]
    content += [f"{u} display" for u, *_ in PEOPLE] + [u for u, *_ in PEOPLE] + [CN_SECRET]
    content += [f"{code.lower()}-sim-{i}" for code in PARTIES for i in range(4)]
    for item in sorted(content, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(item)}(?![\w-])", " ", text)
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    assert words <= LATIN_ALLOWED, [
        text[max(0, m.start() - 30) : m.end() + 30]
        for m in re.finditer(r"[A-Za-z]+", text)
        if m.group().lower() not in LATIN_ALLOWED
    ]
    assert "双方" not in text  # three parties: never "both delegations"
    assert "全部 3 方代表团都同意" in text


def test_bad_parameters_and_strangers(trilateral):
    client = _login(trilateral, "us-a")
    assert client.get(REPORT, params={"format": "docx"}).status_code == 422
    assert client.get(REPORT, params={"lang": "fr"}).status_code == 422
    assert client.get("/api/v1/dialogues/nowhere/report").status_code == 404
    assert TestClient(trilateral).get(REPORT).status_code == 401


def test_pdf_or_a_clear_message(trilateral, monkeypatch):
    client = _login(trilateral, "obs")
    if pdf.find_chromium() is not None:
        made = client.get(REPORT, params={"format": "pdf", "lang": "zh"})
        assert made.status_code == 200 and made.content.startswith(b"%PDF")
        assert made.headers["content-type"] == "application/pdf"
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    missing = client.get(REPORT, params={"format": "pdf"})
    assert missing.status_code == 503 and "apt-get install chromium" in missing.json()["detail"]
    zh = _login(trilateral, "cn-a").get(f"/dialogues/{SLUG}/report/file", params={"format": "pdf"})
    assert zh.status_code == 503 and "chromium" in zh.text and "浏览器" in zh.text
    page = client.get(f"/dialogues/{SLUG}/report")
    assert 'data-testid="pdf-unavailable"' in page.text


def test_report_page_links(trilateral):
    page = _login(trilateral, "cn-a").get(f"/dialogues/{SLUG}/report")
    assert page.status_code == 200
    assert f'action="/dialogues/{SLUG}/report/file"' in page.text and "成果报告" in page.text


runner = CliRunner()


def _cli(app, *args):
    url = str(app.state.store.url)
    return runner.invoke(cli_app, ["dialogue", "report", *args, "--database-url", url])


def test_cli_report(trilateral, tmp_path):
    out = tmp_path / "public.json"
    done = _cli(trilateral, SLUG, "--format", "json", "--lang", "zh", "--out", str(out))
    assert done.exit_code == 0, done.output
    public = json.loads(out.read_text(encoding="utf-8"))
    assert public["language"] == "zh" and public["provenance"]["reader_role"] == "observer"
    assert CN_SECRET not in out.read_text(encoding="utf-8")
    mine = tmp_path / "cn.html"
    done = _cli(trilateral, SLUG, "--as", "cn-a", "--out", str(mine))
    assert done.exit_code == 0 and CN_SECRET in mine.read_text(encoding="utf-8")
    api = _login(trilateral, "cn-a").get(REPORT, params={"format": "json"}).json()
    assert _cli(trilateral, SLUG, "--as", "cn-a", "-f", "json", "--out", str(out)).exit_code == 0
    cli = json.loads(out.read_text(encoding="utf-8"))
    for key in ("findings", "scope", "ledger", "rounds", "statements"):
        assert cli[key] == api[key]  # one service serves both


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "docx"), "format"),
        (("--lang", "fr"), "lang"),
        (("--as", "nobody"), "no active account"),
    ],
)
def test_cli_report_errors(trilateral, tmp_path, args, message):
    url = str(trilateral.state.store.url)
    out = tmp_path / "x"
    done = _stratstab("dialogue", "report", SLUG, *args, "--out", str(out), "--database-url", url)
    assert done.returncode == 2 and message in done.stderr, done
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not out.exists()


def _main_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0])
    return " ".join(parser.parts)


def test_consensus_page_plain_words_first_statistics_behind_details(trilateral):
    page = _login(trilateral, "us-a").get(f"/dialogues/{SLUG}/consensus").text
    findings = page.index('data-testid="consensus"')
    assert findings < page.index('data-testid="delegation-section"')
    assert findings < page.index('data-testid="group-section"')
    assert "All 3 delegations agree" in page and "Divides the delegations" in page
    # p-values and intervals only inside <details> controls
    outside = re.sub(r"<details.*?</details>", "", page, flags=re.S)
    assert "p = " not in outside and "q = " not in outside and "[" not in _main_text(outside)
    assert 'data-testid="delegation-legend"' in page
    for name in ("Chinese delegation", "Russian delegation", "US delegation"):
        assert name in page.split('data-testid="delegation-legend"')[1].split("</p>")[0]
    figure = json.loads(page.split('id="opinion-map">')[1].split("</script>")[0])
    assert "us-a" not in json.dumps(figure)  # no names on the map, the reader's own included
    ru = _login(trilateral, "ru-a").get(f"/dialogues/{SLUG}/consensus").text
    assert "vote on a few statements first" in ru.split('data-testid="you-are-here"')[1][:200]


def test_consensus_page_in_chinese_has_no_english_interface_text(trilateral):
    page = _login(trilateral, "cn-a").get(f"/dialogues/{SLUG}/consensus").text
    text = _main_text(page)
    for item in sorted([s[0] for s in STATEMENTS] + [u for u, *_ in PEOPLE], key=len)[::-1]:
        text = re.sub(rf"(?<![\w-]){re.escape(item)}(?![\w-])", " ", text)
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
    assert words <= LATIN_ALLOWED, sorted(words - LATIN_ALLOWED)
    figure = json.loads(page.split('id="opinion-map">')[1].split("</script>")[0])
    assert figure["layout"]["xaxis"]["title"]["text"] == "第一分歧轴"
    assert all(re.search(r"[A-Za-z]{2,}", trace["name"]) is None for trace in figure["data"])
