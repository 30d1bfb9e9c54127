"""Meta statements in web moderation, and the consensus page's fragility sentence."""

from __future__ import annotations

import numpy as np

from stratstab.web.demo import seed_demo

from .helpers import SLUG, build_app, login, recompute_consensus


def _app(tmp_path):
    app = build_app(f"sqlite:///{tmp_path / 'web.sqlite'}")
    seed_demo(app.state.session_factory, store=app.state.store)
    return app


def test_facilitator_marks_a_statement_meta_and_it_leaves_the_consensus(tmp_path):
    app = _app(tmp_path)
    fac = login(app, "facilitator")
    recompute_consensus(app)
    before = fac.get(f"/api/v1/dialogues/{SLUG}/consensus").json()
    assert "3" in {s["statement"] for s in before["statements"]}
    marked = fac.patch(f"/api/v1/dialogues/{SLUG}/statements/3", json={"meta": True})
    assert marked.status_code == 200 and marked.json()["is_meta"] is True
    assert recompute_consensus(app) == [SLUG]  # leaving the public set is a change
    after = fac.get(f"/api/v1/dialogues/{SLUG}/consensus").json()
    assert "3" not in {s["statement"] for s in after["statements"]}
    page = fac.get(f"/dialogues/{SLUG}/statements").text
    assert 'data-testid="meta-3"' in page
    # The page's own form clears it again.
    form = fac.post(
        f"/dialogues/{SLUG}/statements/3/moderate",
        data={"meta": "0", "csrf_token": fac.headers["X-CSRF-Token"]},
        follow_redirects=False,
    )
    assert form.status_code in (303, 302), form.text
    assert [s.is_meta for s in app.state.store.statements(SLUG) if s.external_id == "3"] == [False]


def test_a_delegate_cannot_mark_meta(tmp_path):
    app = _app(tmp_path)
    answer = login(app, "cn1").patch(f"/api/v1/dialogues/{SLUG}/statements/3", json={"meta": True})
    assert answer.status_code in (403, 404)


def test_consensus_page_says_when_groups_are_fragile_in_both_languages(tmp_path):
    app = _app(tmp_path)
    store = app.state.store
    rng = np.random.default_rng(11)
    statements = [s.external_id for s in store.statements(SLUG) if s.moderation == "accepted"]
    for person in range(40):  # structureless votes: no opinion groups worth the name
        pid = f"noise{person}"
        store.add_participant(SLUG, external_id=pid, delegation="CN" if person % 2 else "US")
        for statement in statements:
            store.cast_vote(SLUG, participant=pid, statement=statement,
                            value=int(rng.choice([-1, 0, 1])))  # fmt: skip
    fac = login(app, "facilitator")
    recompute_consensus(app)
    result = fac.get(f"/api/v1/dialogues/{SLUG}/consensus").json()
    assert result["group_stability"]["fragile"]
    english = fac.get(f"/dialogues/{SLUG}/consensus").text
    assert 'data-testid="groups-fragile"' in english and "fragile" in english
    fac.put("/api/v1/auth/me/locale", json={"locale": "zh"})
    chinese = fac.get(f"/dialogues/{SLUG}/consensus").text
    assert "并不稳固" in chinese
