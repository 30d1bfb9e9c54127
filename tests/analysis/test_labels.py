"""Every output and lever a figure can show has a label in words with a unit."""

from stratstab.analysis.spec.labels import label
from stratstab.analysis.spec.levers import lever_names
from stratstab.analysis.spec.outputs import output_names


def test_every_output_and_lever_has_a_readable_label():
    for key in output_names(("US", "CN")) + lever_names(("US", "CN")):
        text = label(key)
        assert text != key and "_" not in text, key
        assert "(" in text, f"{key}: no unit in {text!r}"


def test_labels_name_the_side_and_system():
    assert label("US.arriving_after_full_counterforce") == (
        "US: warheads arriving after the other's full counterforce strike (warheads)"
    )
    assert label("CN.DF-41.launchers") == "CN DF-41: launchers (launchers)"
    assert label("unknown_thing") == "unknown_thing"
