"""The explorer among three sides: pairs, requirements, reaction matrix and triangle,
answered in the request, in both languages; A/B comparison among three."""

from __future__ import annotations

import re

import pytest

from stratstab.analysis.assessment.assess import assess
from stratstab.analysis.spec.scenario import load_builtin_scenario

from .helpers import login

THREE_SIDED = ("us-china-russia-2024", "us-china-russia-2030", "us-russia-upload")


@pytest.fixture()
def client(app):
    from stratstab.accounts import service as accounts

    with app.state.session_factory() as db:
        accounts.create_user(
            db, username="lena", password="Kettle-orbit-quartz-719", role="observer"
        )
        db.commit()
    return login(app, "lena", "Kettle-orbit-quartz-719")


@pytest.fixture(scope="module")
def baseline():
    """What the explorer shows first: set A under the scenario's first assumption set."""
    return assess(load_builtin_scenario("us-china-russia-2024"), "US-view").to_dict()


def _cells(page: str, testid: str) -> list[str]:
    return re.findall(rf'data-testid="{testid}">([^<]*)<', page)


def test_every_three_sided_scenario_is_offered(client):
    listed = {s["id"] for s in client.get("/api/v1/scenarios").json()}
    assert set(THREE_SIDED) <= listed
    detail = client.get("/api/v1/scenarios/us-russia-upload").json()
    assert detail["sides"] == ["US", "CN", "RU"]


def test_explorer_page_shows_pairs_requirements_matrix_and_triangle(client, baseline):
    page = client.get("/assess", params={"scenario": "us-china-russia-2024"})
    assert page.status_code == 200, page.text
    text = page.text
    # Levers of every side, the Russian ones included, from the lever table.
    assert re.search(r'name="a\.RU\.arsenal_scale" value="1(\.0)?"', text)
    assert 'name="b.RU.survivability_mobile"' in text
    assert _cells(text, "csi") == [f"{baseline['crisis_stability_index']:.3f}"]
    assert "weakest pair US–CN" in text
    pairs = [(p["striker"], p["victim"]) for p in baseline["pairs"]]
    assert re.findall(r'data-pair="(\w+)-(\w+)"', text) == pairs
    assert _cells(text, "pair-index") == [
        f"{p['crisis_stability_index']:.3f}" for p in baseline["pairs"]
    ]
    assert _cells(text, "pair-c1") == [f"{p['c1']:.3f}" for p in baseline["pairs"]]
    drivers = [baseline["per_side"][s]["requirement_driver"] for s in baseline["sides"]]
    assert _cells(text, "side-driver") == drivers
    assert _cells(text, "spectral-radius") == [f"{baseline['arms_race_spectral_radius']:.3f}"]
    assert 'data-testid="reaction-matrix"' in text and 'id="fig-triangle"' in text
    assert 'data-testid="map-two-sided-only"' in text and 'id="map-form"' not in text


def test_a_russian_lever_changes_the_pair_table_as_assess_does(client):
    form = {"scenario": "us-china-russia-2024", "a.RU.arsenal_scale": "0.6"}
    answer = client.post("/assess/results", data=form)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Server-Timing"].startswith("app;dur=")
    expected = assess(
        load_builtin_scenario("us-china-russia-2024"), levers={"RU.arsenal_scale": 0.6}
    ).to_dict()
    shown = _cells(answer.text, "pair-index")
    assert shown == [f"{p['crisis_stability_index']:.3f}" for p in expected["pairs"]]
    required = [f"{expected['per_side'][s]['required_arsenal']:,.0f}" for s in expected["sides"]]
    assert _cells(answer.text, "side-required") == required
    assert "as written + 1 lever(s)" in answer.text


def test_the_json_answer_names_pairs_and_the_spectral_radius(client, baseline):
    answer = client.post(
        "/api/v1/assess", json={"scenario": "us-china-russia-2024", "view": "US-view"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["crisis_stability_index"] == pytest.approx(baseline["crisis_stability_index"])
    assert {"striker", "victim", "crisis_stability_index", "c1", "c2"} <= set(body["pairs"][0])
    assert body["arms_race_spectral_radius"] == pytest.approx(baseline["arms_race_spectral_radius"])


def test_comparison_among_three_in_chinese(client):
    client.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    form = {
        "scenario": "us-china-russia-2024",
        "mode": "compare",
        "a_view": "US-view",
        "b_view": "CN-view",
    }
    answer = client.post("/assess/results", data=form)
    assert answer.status_code == 200, answer.text
    text = answer.text
    assert 'data-testid="comparison-result"' in text and 'data-sides="3"' in text
    assert "系统危机稳定指数" in text and "军备竞赛谱半径" in text
    assert "US–CN" in text and "CN→RU" in text
    # Nothing left in English in the table's words.
    for english in ("System crisis", "spectral radius", "Needed against", "Cost of"):
        assert english not in text
    api = client.post(
        "/api/v1/assess/compare",
        json={
            "scenario": "us-china-russia-2024",
            "left": {"view": "US-view"},
            "right": {"levers": {"RU.interceptors": 200}},
        },
    )
    assert api.status_code == 200, api.text
    assert "pair_indices" in api.json()["differences"][api.json()["views"][1]]


def test_a_bad_russian_lever_is_a_bilingual_422(client):
    form = {"scenario": "us-china-russia-2024", "a.RU.survivability_mobile": "1.7"}
    english = client.post("/assess/results", data=form)
    assert english.status_code == 422 and "RU" in english.text
    client.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    chinese = client.post("/assess/results", data=form)
    assert chinese.status_code == 422 and "RU: " in chinese.text
    message = re.search(r'role="alert">([^<]*)<', chinese.text).group(1)
    assert re.search(r"[\u4e00-\u9fff]", message), message
    unknown = client.post(
        "/api/v1/assess",
        json={"scenario": "us-china-russia-2024", "levers": {"FR.arsenal_scale": 1.2}},
    )
    assert 400 <= unknown.status_code < 500


@pytest.mark.parametrize("scenario_id", THREE_SIDED[1:])
def test_the_other_three_sided_scenarios_assess_in_the_request(client, scenario_id):
    answer = client.post("/api/v1/assess", json={"scenario": scenario_id})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = assess(load_builtin_scenario(scenario_id)).to_dict()
    assert body["weakest_pair"] == expected["weakest_pair"]
    assert [p["crisis_stability_index"] for p in body["pairs"]] == pytest.approx(
        [p["crisis_stability_index"] for p in expected["pairs"]]
    )
    drivers = {s: body["per_side"][s]["requirement_driver"] for s in body["sides"]}
    assert drivers == {s: expected["per_side"][s]["requirement_driver"] for s in body["sides"]}
