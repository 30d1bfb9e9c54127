"""A unit of work: several store calls in one transaction, all or nothing."""

from __future__ import annotations

import pytest

from stratstab.errors import InputError


def test_calls_in_a_unit_commit_together(cnus):
    with cnus.unit(write=True):
        cnus.ensure_participant("cnus", external_id="new", delegation="US")
        cnus.cast_vote("cnus", participant="new", statement="s1", value=1)
        # Inside the unit the write is visible to the unit's own reads.
        assert cnus.has_participant("cnus", "new")
    [vote] = cnus.vote_history("cnus", participant="new")
    assert (vote.statement, vote.value) == ("s1", 1)


def test_an_error_undoes_the_whole_unit_and_nothing_is_remembered(cnus):
    with pytest.raises(RuntimeError, match="refused"), cnus.unit(write=True):
        cnus.ensure_participant("cnus", external_id="late", delegation="CN")
        cnus.cast_vote("cnus", participant="late", statement="s1", value=-1)
        raise RuntimeError("refused after the writes")
    assert not cnus.has_participant("cnus", "late")
    assert cnus.vote_history("cnus", participant="late") == []
    # The store did not remember the rolled-back participant as existing: the next
    # first vote of that person creates them again instead of failing.
    cnus.ensure_participant("cnus", external_id="late", delegation="CN")
    cnus.cast_vote("cnus", participant="late", statement="s1", value=-1)
    assert [v.value for v in cnus.vote_history("cnus", participant="late")] == [-1]


def test_a_refused_write_inside_a_unit_is_undone_alone(cnus):
    with cnus.unit(write=True):
        cnus.cast_vote("cnus", participant="c1", statement="s1", value=1)
        with pytest.raises(InputError, match="already exists"):
            cnus.add_participant("cnus", external_id="c1")  # a duplicate: its savepoint rolls back
        cnus.cast_vote("cnus", participant="c2", statement="s2", value=0)
    history = cnus.vote_history("cnus")
    assert sorted((v.participant, v.statement, v.value) for v in history) == [
        ("c1", "s1", 1),
        ("c2", "s2", 0),
    ]


def test_a_read_only_unit_refuses_writes(cnus):
    with cnus.unit(), pytest.raises(RuntimeError, match="read-only"):
        cnus.cast_vote("cnus", participant="c1", statement="s1", value=1)
    with cnus.unit(), pytest.raises(RuntimeError, match="read-only"), cnus.unit(write=True):
        pass
    assert cnus.vote_history("cnus") == []


def test_units_nest_into_the_outer_one(cnus):
    with cnus.unit(write=True):
        with cnus.unit(write=True):
            cnus.cast_vote("cnus", participant="u1", statement="s2", value=1)
        with cnus.unit():
            assert [v.value for v in cnus.vote_history("cnus", participant="u1")] == [1]
    assert len(cnus.vote_history("cnus")) == 1
