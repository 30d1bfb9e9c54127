"""What a store remembers belongs to that store: two stores (two apps) in one process
never share it, and no module keeps per-app data in a cache of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from stratstab.dialogue.models import Dialogue
from stratstab.dialogue.store import DialogueStore
from stratstab.errors import NotFoundError

SRC = Path(__file__).resolve().parents[2] / "src" / "stratstab"


def _dialogue(store: DialogueStore) -> None:
    store.create_dialogue(slug="cnus", title="CN–US", track="II", parties=["CN", "US"])


def test_known_participants_are_per_store(tmp_path):
    with (
        DialogueStore(f"sqlite:///{tmp_path / 'a.sqlite'}") as first,
        DialogueStore(f"sqlite:///{tmp_path / 'b.sqlite'}") as second,
    ):
        _dialogue(first)
        _dialogue(second)
        first.ensure_participant("cnus", external_id="u:7", delegation="US")
        assert not second.has_participant("cnus", "u:7")
        # The second store must add the person to its own database, not trust the first's
        # memory of having done so.
        second.ensure_participant("cnus", external_id="u:7", delegation="US")
        assert second.has_participant("cnus", "u:7")
        assert [p.external_id for p in second.participants("cnus")] == ["u:7"]
        # Asking again changes nothing.
        second.ensure_participant("cnus", external_id="u:7", delegation="US")
        assert len(second.participants("cnus")) == 1


def test_room_reads_of_the_store(tmp_path):
    with DialogueStore(f"sqlite:///{tmp_path / 'c.sqlite'}") as store:
        _dialogue(store)
        store.add_participant("cnus", external_id="c1", delegation="CN")
        store.add_participant("cnus", external_id="u1", delegation="US")
        store.add_statement("cnus", external_id="s1", text_en="Hotline.", author="c1",
                            moderation="accepted")  # fmt: skip
        store.add_statement("cnus", external_id="s2", text_en="Sealed.", moderation="accepted")
        assert store.delegation_codes("cnus") == ["CN", "US"]
        info, delegation = store.statement_with_delegation("cnus", "s1")
        assert (info.external_id, delegation) == ("s1", "CN")
        store.cast_vote("cnus", participant="u1", statement="s1", value=1)
        store.cast_vote("cnus", participant="c1", statement="s2", value=1)
        assert store.public_voter_count("cnus") == 2
        before = store.consensus_versions("cnus").version
        assert store.set_sealed("cnus", "s2", sealed=True).sealed
        assert store.public_voter_count("cnus") == 1  # a sealed statement's voters are not counted
        assert store.consensus_versions("cnus").version == before + 1
        assert store.consensus_snapshot("cnus").result is None
        for call in (
            lambda: store.delegation_codes("nope"),
            lambda: store.statement_with_delegation("cnus", "s9"),
            lambda: store.set_sealed("cnus", "s9", sealed=True),
            lambda: store.consensus_versions("nope"),
            lambda: store.consensus_snapshot("nope"),
        ):
            with pytest.raises(NotFoundError) as caught:
                call()
            assert caught.value.key in ("dlgerr.no_dialogue", "dlgerr.no_statement")


def _module_level_caches(tree: ast.Module) -> list[str]:
    """Module-level dict/set/list assignments whose values are keyed by ``id(...)``
    anywhere in the module (``cache[id(x)]``, ``cache.setdefault(id(x), ...)``)."""
    mutable = set()
    for node in tree.body:
        targets = []
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        empty = isinstance(value, ast.Dict | ast.Set | ast.List) or (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in {"dict", "set", "list", "defaultdict", "WeakValueDictionary"}
        )
        if empty:
            mutable.update(t.id for t in targets if isinstance(t, ast.Name))
    found = []
    for node in ast.walk(tree):
        keyed = None
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            keyed, key = node.value.id, node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.args
        ):
            keyed, key = node.func.value.id, node.args[0]
        if (
            keyed in mutable
            and isinstance(key, ast.Call)
            and isinstance(key.func, ast.Name)
            and key.func.id == "id"
        ):
            found.append(f"{keyed} (line {node.lineno})")
    return found


def test_no_module_cache_is_keyed_by_object_identity():
    # id() of a closed store or app can be reused by the next one: per-app data lives
    # on the app's state or on the store, never in a module-level mapping keyed by id().
    offenders = {
        str(path.relative_to(SRC)): found
        for path in sorted(SRC.rglob("*.py"))
        if (found := _module_level_caches(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


def test_the_scan_finds_an_identity_keyed_cache():
    source = "_SEEN: dict[int, set] = {}\n\ndef f(store):\n    _SEEN.setdefault(id(store), set())\n"
    assert _module_level_caches(ast.parse(source)) == ["_SEEN (line 4)"]


def test_membership_and_completeness_through_the_store(tmp_path):
    from stratstab.accounts import service as accounts
    from stratstab.dialogue.membership import DialogueMember

    with DialogueStore(f"sqlite:///{tmp_path / 'm.sqlite'}") as store:
        _dialogue(store)
        with store.session(write=True) as session:
            password = "violet anchor drifts past seven harbours"
            head = accounts.create_user(session, username="chen", role="member", password=password)
            session.flush()
            dialogue_id = session.scalar(select(Dialogue.id).where(Dialogue.slug == "cnus"))
            session.add(DialogueMember(dialogue_id=dialogue_id, user_id=head.id, role="head",
                                       party="CN"))  # fmt: skip
            head_id = head.id
        assert store.membership("cnus", head_id) == ("head", "CN")
        assert store.membership("cnus", head_id + 1) is None
        assert store.parties_with_head("cnus") == {"CN"}
        assert store.completion("cnus") == {"CN": False, "US": False}
        assert store.set_complete("cnus", party="CN", by="chen", done=True)
        assert not store.set_complete("cnus", party="CN", by="chen", done=True)  # no change
        assert store.completion("cnus") == {"CN": True, "US": False}
        assert store.set_complete("cnus", party="CN", by="chen", done=False)
        assert store.completion("cnus") == {"CN": False, "US": False}
        with pytest.raises(NotFoundError):
            store.completion("nope")
