"""The server never opens a file a scenario names, and its answers tell no two apart.

An uploaded scenario may name built-in datasets or the user's uploaded ones; any other
reference (absolute, relative, a device, a FIFO, a real dataset file on the server) is
refused with the same message, whatever is or is not at that path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import stratstab.forces
from stratstab.accounts import service as accounts

from .helpers import login

PASSWORD = "quiet-harbour-lantern-57"
BUILTIN_DATASET_FILE = Path(stratstab.forces.__file__).parent / "data" / "us-2024.yaml"


def _scenario(reference: str) -> str:
    return f"name: T\nforces:\n  US: {{dataset: '{reference}'}}\n  CN: {{dataset: china-2024}}\n"


@pytest.fixture()
def observer(app):
    with app.state.session_factory() as db:
        accounts.create_user(
            db, username="obs", password="quay-lantern-orchard-47", role="observer"
        )
        db.commit()
    return login(app, "obs", "quay-lantern-orchard-47")


def _references(tmp_path: Path) -> list[str]:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    readable = tmp_path / "mine.yaml"
    readable.write_text(BUILTIN_DATASET_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    return [
        "/dev/zero",
        "/dev/urandom",
        "/etc/passwd",
        "/proc/self/environ",
        "/etc/shadow",
        "/no/such/file.yaml",
        str(fifo),
        str(readable),  # a valid dataset file, still never read
        str(BUILTIN_DATASET_FILE),
        "../../../../etc/passwd",
        "src/stratstab/forces/data/us-2024.yaml",
        "us-2024.yaml",
        "./china-2024",
        "~/.bashrc",
        "file:///etc/passwd",
    ]


def test_scenario_naming_a_path_is_refused_and_reveals_nothing(app, observer, tmp_path):
    messages = set()
    for reference in _references(tmp_path):
        answer = observer.post("/api/v1/scenarios", json={"yaml": _scenario(reference)})
        assert answer.status_code == 400, (reference, answer.text)
        detail = answer.json()["detail"]
        assert "file paths are not read" in detail
        assert reference not in detail
        messages.add(detail)
    # One message for every reference: nothing tells an existing file from a missing one.
    assert len(messages) == 1, messages
    assert observer.get("/api/v1/scenarios").status_code == 200


def test_assessment_of_a_path_scenario_is_refused(app, observer):
    """Neither a run nor a comparison can reach a dataset path by any route."""
    run = observer.post("/api/v1/assessments", json={"scenario": "/dev/zero"})
    assert run.status_code == 404
    assert "/dev/zero" not in run.text or "built-in" in run.text
    compare = observer.post(
        "/api/v1/comparisons",
        json={"scenario": "../scenarios/us-china-2024-baseline", "left": {}, "right": {}},
    )
    assert compare.status_code == 404
    page = observer.get("/assess", params={"scenario": "/etc/passwd"})
    assert page.status_code == 404 and "root:" not in page.text


def test_lever_overrides_cannot_name_a_path(app, observer):
    answer = observer.post("/api/v1/assessments", json={"levers": {"US./etc/passwd.launchers": 1}})
    assert answer.status_code == 400 and "root:" not in answer.text
