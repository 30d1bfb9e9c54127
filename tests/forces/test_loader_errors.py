"""Bad dataset files end in typed errors naming the file, the field path and the expectation."""

from __future__ import annotations

import pytest

from stratstab.errors import InputError, NotFoundError
from stratstab.forces import load_dataset, load_posture, validate_dataset


def test_minimal_dataset_loads_from_a_path(minimal, write_yaml):
    path = write_yaml(minimal)
    dataset = load_dataset(path)
    assert dataset.id == "tiny"
    assert load_dataset(str(path)).system("mobile-1").name == "MOBILE-1"


def test_yaml_syntax_error_names_file_and_line(write_yaml):
    path = write_yaml("kind: posture\nsystems: [\n  - name: x\n")
    with pytest.raises(InputError) as info:
        load_dataset(path)
    assert info.value.source == str(path)
    assert "line" in info.value.message and "YAML" in info.value.message


def test_duplicate_key_is_rejected(write_yaml):
    path = write_yaml("kind: posture\nid: a\nid: b\n")
    with pytest.raises(InputError, match="duplicate key 'id'.*|.*duplicate key 'id'"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("mutate", "field", "expected"),
    [
        (
            lambda d: d["systems"][0]["launchers"].update(central=-5, low=-5),
            "systems[0].launchers",
            "at least 0",
        ),
        (
            lambda d: d["systems"][1]["survivability"]["generated"].update(central=1.5),
            "systems[1].survivability.generated",
            "at most 1",
        ),
        (
            lambda d: d["systems"][0].update(silo_depth_m=30),
            "systems[0].silo_depth_m",
            "unknown key",
        ),
        (
            lambda d: d["systems"][1]["cep_m"].update(source="nobody-2024"),
            "systems[1].cep_m.source",
            "unknown source key 'nobody-2024'; expected one of: src-a",
        ),
        (
            lambda d: d["systems"][0]["launchers"].update(low=11),
            "systems[0].launchers",
            "low (11) must not exceed central (10)",
        ),
        (
            lambda d: d["systems"][0].pop("hardness_psi"),
            "systems[0]",
            "hardness_psi is required for silo-based systems",
        ),
        (
            lambda d: d["systems"][1].update(basing="hovercraft"),
            "systems[1].basing",
            "Input should be",
        ),
        (
            lambda d: d["systems"][1]["cep_m"].update(assumption=True),
            "systems[1].cep_m",
            "must name its basis",
        ),
        (
            lambda d: d["totals"]["deployed"].update(source="missing"),
            "totals.deployed.source",
            "unknown source key",
        ),
    ],
)
def test_bad_values_name_file_and_field(minimal, write_yaml, mutate, field, expected):
    mutate(minimal)
    path = write_yaml(minimal)
    with pytest.raises(InputError) as info:
        load_dataset(path)
    error = info.value
    assert error.source == str(path)
    assert error.field == field
    assert expected in error.message
    assert str(path) in str(error) and field in str(error)


def test_field_error_mentions_the_system_name(minimal, write_yaml):
    minimal["systems"][1]["reliability"]["central"] = 2
    with pytest.raises(InputError, match="MOBILE-1"):
        load_dataset(write_yaml(minimal))


def test_missing_or_wrong_kind(minimal, write_yaml):
    minimal.pop("kind")
    with pytest.raises(InputError) as info:
        load_dataset(write_yaml(minimal))
    assert info.value.field == "kind" and "'posture'" in info.value.message


def test_top_level_must_be_a_mapping(write_yaml):
    with pytest.raises(InputError, match="mapping"):
        load_dataset(write_yaml("- 1\n- 2\n"))


def test_unknown_id_lists_the_builtin_ids():
    with pytest.raises(NotFoundError) as info:
        load_dataset("china-2030")
    for dataset_id in ("china-2024", "russia-2024", "sipri-2024", "us-2024"):
        assert dataset_id in str(info.value)


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(NotFoundError, match="no such file"):
        load_dataset(tmp_path / "absent.yaml")


def test_load_posture_refuses_an_inventory():
    with pytest.raises(InputError, match="inventory"):
        load_posture("sipri-2024")


def test_duplicate_system_names_and_source_keys(minimal):
    minimal["systems"][1]["name"] = "silo-1"
    with pytest.raises(InputError, match="duplicate system name"):
        validate_dataset(minimal, source="inline")
    minimal["systems"][1]["name"] = "MOBILE-1"
    minimal["sources"].append(minimal["sources"][0])
    with pytest.raises(InputError, match="duplicate source key"):
        validate_dataset(minimal, source="inline")


def test_inventory_null_needs_a_note_and_rows_must_add_up():
    base = {
        "kind": "inventory",
        "id": "inv",
        "version": "1",
        "title": "t",
        "as_of": "2024-01-01",
        "sources": [
            {
                "key": "s",
                "citation": {
                    "authors": ["a"],
                    "title": "t",
                    "venue": "v",
                    "publisher": "p",
                    "year": 2024,
                },
                "url": "https://example.org/t",
                "published": "2024",
                "accessed": "2024-06-01",
            }
        ],
    }
    row = {
        "state": "Atlantis",
        "code": "AT",
        "deployed": None,
        "stored": {"central": 10, "source": "s"},
        "retired": None,
        "total": {"central": 10, "source": "s"},
    }
    with pytest.raises(InputError) as info:
        validate_dataset({**base, "states": [row]}, source="inv.yaml")
    assert info.value.field == "states[0]" and "notes" in info.value.message
    bad_total = {**row, "notes": "deployed: '–'", "total": {"central": 11, "source": "s"}}
    with pytest.raises(InputError, match="differs from total"):
        validate_dataset({**base, "states": [bad_total]}, source="inv.yaml")
