"""Assessments, comparisons and stability maps answered within the request; lever values
in words; the Plotly bundle compressed and cached under a content-hashed URL."""

from __future__ import annotations

import gzip
import re

import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.spec.scenario import load_scenario
from stratstab.web.assets import plotly_asset, plotly_url

from .helpers import login


@pytest.fixture()
def client(app):
    from stratstab.accounts import service as accounts

    with app.state.session_factory() as db:
        accounts.create_user(
            db, username="ana", password="Kettle-orbit-quartz-719", role="observer"
        )
        db.commit()
    return login(app, "ana", "Kettle-orbit-quartz-719")


FORM = {
    "scenario": "us-china-2024-baseline",
    "a_view": "US-view",
    "b_view": "CN-view",
    # The values the explorer shows for US-view: unchanged fields are not levers.
    "a.US.interceptors": "44",
    "a.CN.survivability_mobile": "0.6",
    "a.CN.posture": "day-to-day",
    "b.US.interceptors": "44",
}


def test_explorer_shows_current_values_and_assumptions_in_words(client):
    page = client.get("/assess").text
    assert re.search(r'name="a\.US\.interceptors" value="44"', page)
    assert re.search(r'name="b\.CN\.survivability_mobile" value="0\.3"', page)  # CN-view
    assert "CN — Mobile-missile survivability: 60 %" in page
    assert "CN.survivability_mobile = 0.6" not in page
    assert 'data-testid="assessment-result"' in page  # a first result without a click
    assert "job-progress" not in page


def test_a_layered_defense_is_named_in_both_languages(client):
    english = client.get("/assess", params={"scenario": "layered-missile-defense"}).text
    assert "US\u2019s missile defense has 3 layers (64 + 48 + 100 interceptors" in english
    assert re.search(r'name="a\.US\.interceptors" value="64"', english)
    client.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    chinese = client.get("/assess", params={"scenario": "layered-missile-defense"}).text
    assert "US的导弹防御共有3层（拦截弹64 + 48 + 100枚" in chinese
    assert 'data-testid="layers-note"' not in client.get("/assess").text


def test_form_result_equals_the_assessment_and_only_changes_are_levers(client):
    answer = client.post("/assess/results", data={**FORM, "a.US.interceptors": "250"})
    assert answer.status_code == 200
    assert answer.headers["Server-Timing"].startswith("app;dur=")
    expected = assess(load_scenario(), "US-view", levers={"US.interceptors": 250})
    shown = re.search(r'data-testid="csi">([^<]*)<', answer.text).group(1)
    assert shown == f"{expected.crisis_stability_index:.3f}"
    assert "US-view + 1 lever(s)" in answer.text
    assert "A marked incentive to strike first" in answer.text


def test_comparison_colours_differences_by_their_effect(client):
    answer = client.post("/assess/results", data={**FORM, "mode": "compare"})
    assert answer.status_code == 200
    rows = re.findall(r'<td class="num ([^"]*)"[^>]*>([^<]*)</td></tr>', answer.text)
    effects = {cls.split()[-1] for cls, _ in rows if "effect-" in cls}
    assert effects == {"effect-better", "effect-worse"}
    # The crisis-stability index falls from US-view to CN-view: worse for stability.
    index_row = re.search(r"Crisis stability.*?</tr>", answer.text, re.S).group(0)
    assert "effect-worse" in index_row and "diff-down" in index_row


@pytest.mark.parametrize(
    ("field", "value", "english", "chinese"),
    [
        (
            "a.CN.arsenal_scale",
            "-1",
            "CN: Arsenal size must be a positive multiple, e.g. 1.5",
            "CN: 核武库规模必须是正的倍数，例如 1.5",
        ),
        (
            "a.US.interceptor_pk",
            "1.7",
            "US: Interceptor kill probability must be a share between 0 and 1, e.g. 0.5",
            "US: 拦截弹单发杀伤概率必须是 0 到 1 之间的比例，例如 0.5",
        ),
        (
            "a.US.interceptors",
            "many",
            "US: Missile-defense interceptors must be a whole number of at least 0, e.g. 44",
            "必须是不小于 0 的整数",
        ),
    ],
)
def test_bad_values_are_told_in_words_in_both_languages(client, field, value, english, chinese):
    answer = client.post(
        "/assess/results", data={**FORM, field: value}, headers={"HX-Request": "1"}
    )
    assert answer.status_code == 422 and english in answer.text
    assert "a.CN" not in answer.text.replace(field, "")  # no field paths
    client.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    answer = client.post(
        "/assess/results", data={**FORM, field: value}, headers={"HX-Request": "1"}
    )
    assert answer.status_code == 422 and chinese in answer.text


def test_api_assess_and_compare_answer_at_once(client):
    answer = client.post(
        "/api/v1/assess", json={"view": "CN-view", "levers": {"US.interceptors": 120}}
    )
    assert answer.status_code == 200
    expected = assess(load_scenario(), "CN-view", levers={"US.interceptors": 120}).to_dict()
    got = answer.json()
    assert got["crisis_stability_index"] == pytest.approx(expected["crisis_stability_index"])
    assert got["per_side"]["CN"]["required_arsenal"] == pytest.approx(
        expected["per_side"]["CN"]["required_arsenal"]
    )
    pair = client.post(
        "/api/v1/assess/compare", json={"left": {"view": "US-view"}, "right": {"view": "CN-view"}}
    )
    assert pair.status_code == 200 and pair.json()["views"] == ["US-view", "CN-view"]
    bad = client.post("/api/v1/assess", json={"levers": {"US.interceptor_pk": 3}})
    assert bad.status_code == 422 and "share between 0 and 1" in bad.json()["detail"]


def test_api_map_equals_individual_assessments(client):
    body = {"x": "US.interceptors=0:300:4", "y": "CN.arsenal_scale=0.5:2:3", "metric": "crisis"}
    answer = client.post("/api/v1/assess/map", json=body)
    assert answer.status_code == 200
    data = answer.json()
    assert [p["view"] for p in data["panels"]] == ["US-view", "CN-view"]
    scenario = load_scenario()
    for panel in data["panels"]:
        for i, j in [(0, 0), (1, 2), (2, 3)]:
            levers = {
                "US.interceptors": int(data["x"]["values"][j]),
                "CN.arsenal_scale": data["y"]["values"][i],
            }
            expected = assess(scenario, panel["view"], levers=levers, method="reference")
            assert panel["values"][i][j] == pytest.approx(expected.crisis_stability_index, rel=1e-8)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"x": "US.posture=0:1:2", "y": "CN.arsenal_scale=0.5:2:3"}, "cannot be a map axis"),
        ({"x": "US.interceptors=0:300:500", "y": "CN.arsenal_scale=0.5:2:3"}, "from 2 to 100"),
        ({"x": "US.interceptors=0:300:4", "y": "CN.arsenal_scale=0:2:3"}, "positive multiple"),
    ],
)
def test_api_map_bad_axes_are_422_in_words(client, body, words):
    answer = client.post("/api/v1/assess/map", json=body)
    assert answer.status_code == 422 and words in answer.json()["detail"]
    client.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    assert (
        "稳定性图的坐标轴设置有误" in client.post("/api/v1/assess/map", json=body).json()["detail"]
    )


def test_map_page_fragment_and_range_errors(client):
    form = {
        "scenario": "us-china-2024-baseline",
        "x_lever": "US.interceptors",
        "x_from": "0",
        "x_to": "400",
        "y_lever": "CN.survivability_mobile",
        "y_from": "0",
        "y_to": "1",
        "steps": "6",
        "metric": "required-arsenal",
    }
    answer = client.post("/assess/map", data=form)
    assert answer.status_code == 200 and answer.text.count('data-testid="map-panel"') == 4
    bad = client.post("/assess/map", data={**form, "y_to": "3"}, headers={"HX-Request": "1"})
    assert bad.status_code == 422 and "Mobile-missile survivability must be a share" in bad.text
    bad = client.post("/assess/map", data={**form, "x_to": "-5"}, headers={"HX-Request": "1"})
    assert bad.status_code == 422 and "must end above where it starts" in bad.text


def test_plotly_bundle_is_compressed_hashed_and_immutable(client):
    assert plotly_url() in client.get("/assess").text
    old = client.get("/assets/plotly.min.js", follow_redirects=False)
    assert old.status_code == 307 and old.headers["location"] == plotly_url()
    raw = client.get(plotly_url(), headers={"Accept-Encoding": "gzip"})
    assert raw.headers["Content-Encoding"] == "gzip"
    assert "immutable" in raw.headers["Cache-Control"]
    assert raw.content == plotly_asset().body  # httpx decompressed it
    assert len(plotly_asset().gzipped) < 0.4 * len(plotly_asset().body)
    assert gzip.decompress(plotly_asset().gzipped) == plotly_asset().body
    again = client.get(plotly_url(), headers={"If-None-Match": raw.headers["ETag"]})
    assert again.status_code == 304
