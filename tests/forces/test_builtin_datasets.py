"""Every built-in dataset loads, cites resolvable sources and adds up."""

from __future__ import annotations

import math

import pytest

from stratstab.forces import (
    ESTIMATE_FIELDS,
    Dataset,
    InventoryDataset,
    builtin_ids,
    list_datasets,
    load_dataset,
)

POSTURES = ["us-2024", "china-2024", "russia-2024"]


def test_builtin_ids_are_the_four_datasets():
    assert builtin_ids() == ["china-2024", "russia-2024", "sipri-2024", "us-2024"]


@pytest.mark.parametrize("dataset_id", ["us-2024", "china-2024", "russia-2024", "sipri-2024"])
def test_dataset_loads_and_every_source_key_resolves(dataset_id):
    dataset = load_dataset(dataset_id)
    assert dataset.id == dataset_id and dataset.version and dataset.title and dataset.as_of
    keys = {s.key for s in dataset.sources}
    cited = list(dataset.cited_estimates())
    assert cited, "a dataset without numbers is useless"
    for path, estimate in cited:
        assert estimate.source in keys, path
        if estimate.assumption:
            assert estimate.basis, f"{path} is an assumption without a basis"
    # Every listed source is actually cited somewhere.
    assert {e.source for _, e in cited} == keys


@pytest.mark.parametrize("dataset_id", POSTURES)
def test_sum_over_systems_matches_published_deployed_total(dataset_id):
    dataset = load_dataset(dataset_id)
    assert isinstance(dataset, Dataset) and dataset.totals and dataset.totals.deployed
    total = dataset.totals.deployed
    summed = dataset.deployed_warheads()
    assert total.value("low") <= summed <= total.value("high"), (summed, total)
    if dataset.totals.stockpile and dataset.totals.stored:
        stockpile = dataset.totals.stockpile.central
        assert total.central + dataset.totals.stored.central == pytest.approx(stockpile, abs=1)


@pytest.mark.parametrize("dataset_id", POSTURES)
def test_deployed_warheads_equal_launchers_times_loading(dataset_id):
    for system in load_dataset(dataset_id).systems:
        product = system.launchers.central * system.warheads_per_launcher.central
        assert system.deployed_warheads.central == pytest.approx(product, rel=0.1, abs=1), (
            system.name
        )


@pytest.mark.parametrize("dataset_id", POSTURES)
@pytest.mark.parametrize("which", ["low", "central", "high"])
def test_silo_aim_points_cover_launchers_at_every_estimate(dataset_id, which):
    for system in load_dataset(dataset_id).systems:
        if system.basing == "silo":
            assert system.aim_points.value(which) >= system.launchers.value(which), system.name
            assert system.survivability.generated.value(which) == 0


@pytest.mark.parametrize("dataset_id", POSTURES)
def test_unpublished_quantities_are_marked_as_assumptions(dataset_id):
    for system in load_dataset(dataset_id).systems:
        assert system.cep_m.assumption, system.name
        assert system.reliability.assumption, system.name
        if system.hardness_psi is not None:
            assert system.hardness_psi.assumption, system.name
        if system.basing != "silo":
            assert system.home_hardness_psi.assumption, system.name
            assert system.survivability.day_to_day.assumption, system.name


@pytest.mark.parametrize("dataset_id", POSTURES)
def test_table_columns_line_up(dataset_id):
    dataset = load_dataset(dataset_id)
    for which in ("low", "central", "high"):
        table = dataset.table(which)
        n = len(dataset.systems)
        assert set(table) >= {"name", "basing", "strategic"} | {
            f.replace(".", "_") for f in ESTIMATE_FIELDS
        }
        assert all(len(column) == n for column in table.values())
        for key in ("reliability", "survivability_day_to_day", "survivability_generated"):
            assert ((table[key] >= 0) & (table[key] <= 1)).all()
    strategic = dataset.table(strategic_only=True)
    assert strategic["strategic"].all()


def test_us_posture_follows_the_notebook():
    us = load_dataset("us-2024")
    minuteman = [s for s in us.systems if s.name.startswith("Minuteman III")]
    assert sum(s.deployed_warheads.central for s in minuteman) == 400
    assert sum(s.aim_points.central for s in minuteman) == 450
    trident = [s for s in us.systems if s.name.startswith("Trident II D5")]
    assert sum(s.deployed_warheads.central for s in trident) == 970
    bombers = [s for s in us.systems if s.basing == "bomber" and s.strategic]
    assert sum(s.deployed_warheads.central for s in bombers) == 300
    assert sum(s.aim_points.central for s in bombers) == 3  # Whiteman, Minot, Barksdale
    d5 = us.system("Trident II D5 (W76-1)")
    assert 0.6 <= d5.survivability.day_to_day.central <= 0.7
    assert us.system("B-2A").survivability.day_to_day.central == 0


def test_china_silo_fields_and_disputed_mobile_survivability():
    china = load_dataset("china-2024")
    fields = {"Yumen": 120, "Hami": 110, "Ordos": 90}
    for place, silos in fields.items():
        system = china.system(f"DF-41 ({place} silos)")
        assert system.aim_points.central == silos
        assert system.launchers.central < silos / 2  # mostly not loaded
    df41 = china.system("DF-41")
    assert df41.basing == "road-mobile"
    d2d = df41.survivability.day_to_day
    assert (d2d.low, d2d.central, d2d.high) == (0.1, 0.3, 0.7)
    assert not china.system("DF-26").strategic and not china.system("DF-21").strategic
    ssbn = china.system("JL-2/JL-3 (Type 094)")
    assert ssbn.launchers.central == 72
    assert 0.17 <= ssbn.survivability.day_to_day.central <= 0.5


def test_sipri_inventory_matches_reference_table():
    sipri = load_dataset("sipri-2024")
    assert isinstance(sipri, InventoryDataset)
    assert [s.code for s in sipri.states] == ["US", "RU", "GB", "FR", "CN", "IN", "PK", "IL", "KP"]
    china = sipri.state("CN")
    assert (china.deployed.central, china.stored.central, china.total.central) == (24, 476, 500)
    assert china.retired is None and "–" in china.notes
    assert sipri.state("france").retired is None and ".." in sipri.state("FR").notes
    assert sipri.world.total.central == 12121
    assert sum(s.total.central for s in sipri.states) == 12121


def test_posture_totals_agree_with_sipri():
    sipri = load_dataset("sipri-2024")
    for dataset_id, code in (("us-2024", "US"), ("russia-2024", "RU")):
        totals = load_dataset(dataset_id).totals
        row = sipri.state(code)
        assert totals.deployed.central == row.deployed.central
        assert totals.stockpile.central == row.deployed.central + row.stored.central


def test_list_datasets_summaries():
    summaries = {s.id: s for s in list_datasets()}
    assert summaries["us-2024"].country == "US" and summaries["us-2024"].systems == 8
    assert summaries["sipri-2024"].kind == "inventory"
    assert summaries["sipri-2024"].total_warheads == 12121
    assert all(not math.isnan(s.total_warheads) for s in summaries.values())


@pytest.mark.parametrize("dataset_id", ["us-2024", "china-2024", "russia-2024", "sipri-2024"])
def test_every_source_is_a_dated_primary_publication(dataset_id):
    from stratstab.citations import is_aggregator

    for source in load_dataset(dataset_id).sources:
        assert source.url and source.url.startswith("https://"), source.key
        assert not is_aggregator(source.url), source.key
        assert source.citation.title and source.citation.publisher, source.key
        assert source.published and source.accessed, source.key


@pytest.mark.parametrize(
    "url",
    [
        "https://threadreaderapp.com/thread/1869762533218975867.html",
        "https://missiledefenseadvocacy.org/other-news/x/",
        "https://strategicstudyindia.com/2025/03/chinese-nuclear-weapons-2025.html",
        "https://www.nextbigfuture.com/2021/08/silos.html",
        "https://en.wikipedia.org/wiki/New_START",
        "http://fas.org/not-https",
        "https://161.35.110.226/treaty",
    ],
)
def test_a_dataset_citing_an_aggregator_or_insecure_address_is_rejected(url, minimal):
    from stratstab.errors import InputError
    from stratstab.forces.loader import validate_dataset

    data = {**minimal, "sources": [{**minimal["sources"][0], "url": url}]}
    with pytest.raises(InputError, match=r"sources\[0\]\.url"):
        validate_dataset(data, source="test.yaml")


@pytest.mark.parametrize("dataset_id", ["us-2024", "russia-2024"])
def test_systems_add_up_to_the_published_deployed_totals(dataset_id):
    dataset = load_dataset(dataset_id)
    by_kind = dataset.totals.deployed_by_kind
    assert by_kind, "the dataset states its source's deployed warheads per kind"
    for kind, published in by_kind.items():
        held = sum(s.deployed_warheads.central for s in dataset.systems if s.kind == kind)
        assert held == pytest.approx(published.central, abs=0.5), kind
    assert sum(e.central for e in by_kind.values()) == dataset.totals.deployed.central


def test_russia_matches_fas_icbm_and_total_deployed():
    # FAS/Bulletin 2024: about 870 ICBM warheads, 1,710 deployed strategic.  The mobile
    # Yars carry what the other ICBM types leave: 870 - 504 = 366.
    russia = load_dataset("russia-2024")
    assert russia.system("RS-24 Yars (mobile)").deployed_warheads.central == 366
    assert sum(s.deployed_warheads.central for s in russia.systems) == 1710


def test_china_totals_follow_their_stated_basis():
    # Deployed: the by-system sum; stored: the stockpile less it (the datasets' basis).
    china = load_dataset("china-2024")
    held = sum(s.deployed_warheads.central for s in china.systems)
    assert china.totals.deployed.central == held
    assert china.totals.stored.central == china.totals.stockpile.central - held


def test_systems_that_miss_a_published_total_fail_to_load(minimal):
    from stratstab.errors import InputError
    from stratstab.forces.loader import validate_dataset

    totals = {"deployed_by_kind": {"icbm": {"central": 999, "source": "src-a"}}}
    with pytest.raises(InputError, match="published figure is 999"):
        validate_dataset({**minimal, "totals": totals}, source="test.yaml")
