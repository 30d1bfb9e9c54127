"""Transparency packages on a small scenario."""

import pytest

from stratstab.analysis.spec.scenario import scenario_from_dict
from stratstab.analysis.transparency.measures import (
    Catalogue,
    Package,
    load_catalogue,
    make_context,
    package_levers,
    parse_package,
)
from stratstab.analysis.transparency.report import package_spread, transparency_study
from stratstab.errors import InputError, NotFoundError

CATALOGUE = Catalogue.model_validate(
    {
        "measures": [
            {
                "id": "locations",
                "name": "Base locations",
                "description": "d",
                "precedent": "p",
                "source": {"citation": "c"},
                "narrows": {"survivability_mobile": 0.25},
                "exposes": {"survivability_mobile": 0.8},
            },
            {
                "id": "bmd",
                "name": "BMD inventory",
                "description": "d",
                "precedent": "p",
                "source": {"citation": "c"},
                "narrows": {"interceptors": 0.0},
            },
        ]
    }
)


def scenario():
    return scenario_from_dict(
        {
            "name": "test",
            "forces": {"US": {"dataset": "us-2024"}, "CN": {"dataset": "china-2024"}},
            "counterforce_levels": 11,
            "defenses": {"US": {"interceptors": 44, "interceptor_pk": 0.5}},
            "beliefs": {
                "US-view": {
                    "CN.survivability_mobile": {"dist": "uniform", "low": 0.2, "high": 0.6}
                },
                "CN-view": {"US.interceptors": {"dist": "uniform", "low": 44, "high": 300}},
            },
        },
        source="test.yaml",
    )


def test_builtin_catalogue_has_sourced_measures():
    catalogue = load_catalogue()
    ids = {m.id for m in catalogue.measures}
    assert {
        "declared-warheads",
        "bmd-inventory",
        "base-locations",
        "on-site-inspections",
        "no-first-use",
        "launch-notification",
    } <= ids
    assert all(m.source.citation and m.precedent for m in catalogue.measures)


def test_parse_package():
    s = scenario()
    package = parse_package("both:locations, US:bmd", s, CATALOGUE)
    assert package.items == (("US", "locations"), ("CN", "locations"), ("US", "bmd"))
    assert package.kind == "non-reciprocal"
    assert parse_package("both:locations", s, CATALOGUE).kind == "reciprocal"
    with pytest.raises(NotFoundError):
        parse_package("US:nothing", s, CATALOGUE)
    with pytest.raises(InputError):
        parse_package("XX:bmd", s, CATALOGUE)


def test_package_levers_expose_giver_and_narrow_receiver():
    ctx = make_context(scenario(), CATALOGUE)
    truth = ctx.truth["CN.survivability_mobile"]
    actual, views = package_levers(ctx, Package((("CN", "locations"),)))
    assert actual["CN.survivability_mobile"] == pytest.approx(0.8 * truth)
    # US belief: uniform 0.2-0.6 scaled by 0.8, then pulled 3/4 of the way to the exposed truth.
    expected = 0.8 * truth + 0.25 * (0.8 * 0.4 - 0.8 * truth)
    assert views["US-view"]["CN.survivability_mobile"] == pytest.approx(expected)
    # The US giving base locations narrows nothing the Chinese view is unsure of.
    _, same = package_levers(ctx, Package((("US", "locations"),)))
    assert same["CN-view"]["US.interceptors"] == pytest.approx(172)


def test_study_marks_pareto_and_sequences():
    ctx = make_context(scenario(), CATALOGUE)
    study = transparency_study(ctx, max_measures=1)
    items = {r["package"]: r for r in study["items"]}
    assert items["US:bmd"]["benefit"] > 0 and items["US:bmd"]["cost"]["US"] == pytest.approx(
        0, abs=1e-9
    )
    assert items["CN:locations"]["cost"]["CN"] > 0
    assert items["US:locations"]["benefit"] == pytest.approx(0.0, abs=1e-12)
    # The free measure comes first in the gradual sequence.
    assert study["sequence"][0]["item"] == "US:bmd"
    assert any(r["pareto"] for r in study["packages"])
    for row in study["best"]["reciprocal"]:
        assert row["kind"] == "reciprocal" and row["pareto"]


def test_narrowing_never_widens_a_monotone_output():
    s = scenario_from_dict(
        {
            **scenario().model_dump(exclude={"source"}),
            "beliefs": {
                "US-view": {
                    "CN.survivability_mobile": {"dist": "uniform", "low": 0.1, "high": 0.5}
                },
                "CN-view": {},
            },
        },
        source="test.yaml",
    )
    ctx = make_context(
        s,
        Catalogue.model_validate(
            {"measures": [{**CATALOGUE.measures[0].model_dump(), "exposes": {}}]}
        ),
    )
    spread = package_spread(
        ctx,
        Package((("CN", "locations"),)),
        "US-view",
        samples=24,
        seed=3,
        outputs=["CN.arriving_after_full_counterforce"],
    )
    before = spread["before"]["CN.arriving_after_full_counterforce"]
    after = spread["after"]["CN.arriving_after_full_counterforce"]
    assert after["q95"] - after["q05"] <= before["q95"] - before["q05"] + 1e-9
    assert after["sd"] <= before["sd"] + 1e-9
