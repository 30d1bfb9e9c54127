"""``stratstab calc``: JSON keys and values, readable output, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from stratstab.cli.calc import app
from stratstab.errors import InputError

runner = CliRunner()


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_sspk_json_hand_worked():
    out = _json("sspk", "--yield-kt", "475", "--cep-m", "120", "--hardness-psi", "2000",
                "--reliability", "0.9", "--shots", "2")  # fmt: skip
    assert out["lethal_radius_m"] == pytest.approx(300.49, abs=0.05)
    assert out["sspk"] == pytest.approx(0.98705, abs=2e-5)
    assert out["tkp"] == pytest.approx(1 - (1 - 0.9 * out["sspk"]) ** 2)


def test_bmd_json_inventory_exhaustion():
    out = _json("bmd", "--rvs", "10", "--interceptor-pk", "0.5", "--shots-per-rv", "4",
                "--inventory", "25")  # fmt: skip
    assert out["expected_leakers"] == pytest.approx(1.875)
    assert out["p_no_leakers"] == pytest.approx(0.875**5 * 0.75**5)
    assert out["interceptors_used"] == 25


def test_bmd_json_shoot_look_shoot_unlimited():
    out = _json("bmd", "--rvs", "10", "--interceptor-pk", "0.5", "--shots-per-rv", "2",
                "--shoot-look-shoot", "--kill-assessment", "0.9")  # fmt: skip
    assert out["expected_leakers"] == pytest.approx(0.8125)
    assert out["interceptors_used"] == pytest.approx(24.5)


def test_crisis_cost_json():
    # C = 0.5^0.75 + 0.3 * (1 - 0.9^0.75) = 0.594604 + 0.3 * 0.075930 = 0.617383
    out = _json("crisis-cost", "--own-damage", "0.5", "--enemy-damage", "0.9")
    assert out["cost"] == pytest.approx(0.5**0.75 + 0.3 * (1 - 0.9**0.75))


def test_richardson_json():
    out = _json("richardson", "--a", "0.5", "--b", "0.4", "--m", "1", "--n", "0.8",
                "--g", "10", "--h", "5")  # fmt: skip
    assert out["x_star"] == pytest.approx(17.5) and out["y_star"] == pytest.approx(15)
    assert out["stable"] is True


def test_richardson_degenerate_reports_inf():
    out = _json("richardson", "--a", "1", "--b", "1", "--m", "1", "--n", "1", "--g", "1",
                "--h", "1")  # fmt: skip
    assert out["x_star"] == "inf" and out["stable"] is False


def test_deterrence_cone_json():
    out = _json("deterrence-cone", "--mbar-a", "100", "--mbar-b", "200", "--f-a", "0.5",
                "--f-b", "0.8")  # fmt: skip
    assert out["vertex_a"] == pytest.approx(433.3333) and out["vertex_b"] == pytest.approx(416.6667)
    assert out["exists"] is True


def test_required_arsenal_json():
    out = _json("required-arsenal", "--retaliation", "100", "--p-kill", "0.5",
                "--warheads-per-missile", "1", "--interceptors", "100", "--shots-per-rv", "4",
                "--interceptor-pk", "0.5")  # fmt: skip
    assert out["required_arsenal"] == pytest.approx(246.875)
    assert out["slope"] == pytest.approx(0.46875)
    assert out["defense_exhausted"] is True


def test_readable_output_has_units_and_explanations():
    result = runner.invoke(app, ["sspk", "--yield-kt", "475", "--cep-m", "120",
                                 "--hardness-psi", "2000"])  # fmt: skip
    assert result.exit_code == 0
    assert "SSPK" in result.output and "probability" in result.output and "0.987" in result.output
    assert "lethal radius" in result.output and "300.5" in result.output


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["sspk", "--yield-kt", "-5", "--cep-m", "120", "--hardness-psi", "2000"], "--yield-kt"),
        (
            ["bmd", "--rvs", "10", "--interceptor-pk", "1.5", "--shots-per-rv", "2"],
            "--interceptor-pk",
        ),
        (["crisis-cost", "--own-damage", "1.5", "--enemy-damage", "0.2"], "--own-damage"),
        (
            [
                "required-arsenal",
                "--retaliation",
                "100",
                "--p-kill",
                "1",
                "--warheads-per-missile",
                "1",
                "--interceptors",
                "0",
                "--shots-per-rv",
                "1",
                "--interceptor-pk",
                "0.5",
            ],
            "--p-kill",
        ),
        (
            ["deterrence-cone", "--mbar-a", "-1", "--mbar-b", "1", "--f-a", "0", "--f-b", "0"],
            "--mbar-a",
        ),
    ],
)
def test_bad_values_raise_input_error_naming_the_option(args, option):
    result = runner.invoke(app, args)
    assert isinstance(result.exception, InputError)
    assert result.exception.field == option


def test_bad_value_through_the_real_command_is_one_line_exit_2():
    proc = subprocess.run(
        [sys.executable, "-m", "stratstab", "calc", "sspk", "--yield-kt", "475", "--cep-m", "120",
         "--hardness-psi", "2000", "--reliability", "1.5"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "--reliability" in lines[0] and "Traceback" not in proc.stderr


def test_required_arsenal_and_bmd_state_their_doctrines_on_the_docs_example():
    """The docs' worked example: 246.9 missiles under the fixed salvo, 300 under the
    even spread of ``calc bmd`` (150 survivors, 100 arriving); each output says which."""
    fixed = _json("required-arsenal", "--retaliation", "100", "--p-kill", "0.5",
                  "--warheads-per-missile", "1", "--interceptors", "100", "--shots-per-rv",
                  "4", "--interceptor-pk", "0.5")  # fmt: skip
    assert fixed["required_arsenal"] == pytest.approx(246.875)
    assert fixed["doctrine"].startswith("fixed salvo")
    spread = _json("bmd", "--rvs", "150", "--interceptor-pk", "0.5", "--shots-per-rv", "4",
                   "--inventory", "100")  # fmt: skip
    assert spread["expected_leakers"] == pytest.approx(100.0)
    assert spread["doctrine"].startswith("even spread")
    table = runner.invoke(app, ["required-arsenal", "--retaliation", "100", "--p-kill", "0.5",
                                "--warheads-per-missile", "1", "--interceptors", "100",
                                "--shots-per-rv", "4", "--interceptor-pk", "0.5"])  # fmt: skip
    assert "Defense doctrine: fixed salvo" in " ".join(table.output.split())


def test_sspk_entered_directly():
    out = _json("sspk", "--sspk", "0.8", "--reliability", "0.9", "--shots", "2")
    assert out["sspk"] == 0.8 and out["lethal_radius_m"] is None
    assert out["tkp"] == pytest.approx(1 - (1 - 0.9 * 0.8) ** 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sspk", "0.8", "--yield-kt", "100"], "not both"),
        (["--cep-m", "100"], "missing --yield-kt, --hardness-psi"),
        (["--sspk", "1.5"], "sspk"),
    ],
)
def test_sspk_bad_combinations_are_input_errors(args, message):
    result = runner.invoke(app, ["sspk", *args])
    assert isinstance(result.exception, InputError)
    assert message in str(result.exception)


def test_interceptors_for_a_wanted_p_no_leakers_hand_worked():
    # n = ln(1 - 0.9^(1/10) / 0.999) / ln(0.5) = 6.719 -> 7 whole shots, 70 interceptors.
    out = _json("interceptors", "--rvs", "10", "--interceptor-pk", "0.5", "--p-no-leakers",
                "0.9", "--discrimination", "0.999")  # fmt: skip
    assert out["shots_per_rv"] == pytest.approx(6.71934, rel=1e-5)
    assert out["whole_shots_per_rv"] == 7 and out["interceptors"] == 70
    assert out["p_no_leakers_achieved"] == pytest.approx((0.999 * (1 - 0.5**7)) ** 10)
    assert out["p_no_leakers_achieved"] >= 0.9


def test_interceptors_unreachable_target_exits_2():
    result = runner.invoke(app, ["interceptors", "--rvs", "10", "--interceptor-pk", "0.5",
                                 "--p-no-leakers", "0.99", "--discrimination", "0.99"])  # fmt: skip
    assert isinstance(result.exception, InputError)
    assert result.exception.field == "--p-no-leakers"
    assert "cannot be reached" in str(result.exception)


def test_target_survival_hand_worked():
    # Leakage through two shots of pk 0.5: 0.25; kill per warhead 0.8 * 0.25 * 0.9 = 0.18;
    # two warheads: survival 0.82^2 = 0.6724.
    out = _json("target-survival", "--sspk", "0.9", "--reliability", "0.8", "--warheads", "2",
                "--interceptor-pk", "0.5", "--shots-per-rv", "2")  # fmt: skip
    assert out["leakage_per_rv"] == pytest.approx(0.25)
    assert out["target_survival"] == pytest.approx(0.6724)
    assert out["damage_expectancy"] == pytest.approx(0.3276)
    undefended = _json("target-survival", "--yield-kt", "475", "--cep-m", "120",
                       "--hardness-psi", "2000")  # fmt: skip
    assert undefended["leakage_per_rv"] == 1.0
    assert undefended["target_survival"] == pytest.approx(1 - 0.98705, abs=2e-5)


def test_bmd_with_several_layers():
    out = _json("bmd", "--rvs", "10", "--layer", "pk=0.5,shots=2",
                "--layer", "pk=0.6,shots=1,common_mode=0.9")  # fmt: skip
    assert out["per_layer_leakers"] == pytest.approx([2.5, 1.15])
    assert out["p_no_leakers"] == pytest.approx(0.9 * 0.9**10 + 0.1 * 0.75**10)
    short = _json("bmd", "--rvs", "10", "--layer", "pk=0.5,shots=2,interceptors=12",
                  "--layer", "pk=0.6,shots=1")  # fmt: skip
    assert short["p_no_leakers"] is None


def test_bmd_layer_with_shoot_look_shoot_hand_worked():
    # Layer 1: one shot of 0.5, then one more at RVs seen to survive (kill assessment
    # 0.8): L = 0.5 (1 - 0.8 * 0.5) = 0.3.  Layer 2: one shot of 0.6, L = 0.4.
    out = _json("bmd", "--rvs", "10", "--layer", "pk=0.5,shots=1,second=1,kill_assessment=0.8",
                "--layer", "pk=0.6,shots=1")  # fmt: skip
    assert out["per_layer_leakers"] == pytest.approx([3.0, 1.2])
    assert out["p_no_leakers"] == pytest.approx((1 - 0.3 * 0.4) ** 10)


@pytest.mark.parametrize(
    ("layer", "message"),
    [("pk=2,shots=1", "probability"), ("pk=0.5,shots=1,second=1.5", "whole number"),
     ("pk=0.5,shots=1,second=1,kill_assessment=2", "probability"),
     ("pk=0.5", "missing shots"), ("pk=0.5,shots=x", "number"),
     ("speed=3,pk=0.5,shots=1", "key=value"), ("pk=0.5,shots=1.5", "whole number")],
)  # fmt: skip
def test_bad_layers_are_input_errors_naming_the_layer(layer, message):
    result = runner.invoke(app, ["bmd", "--rvs", "10", "--layer", layer])
    assert isinstance(result.exception, InputError)
    assert result.exception.field == "--layer #1" and message in str(result.exception)


def test_hob_json_overpressure_and_optimum():
    out = _json("hob", "--yield-kt", "1000", "--hardness-psi", "10", "--ground-range-m", "3000",
                "--burst-height-m", "2000")  # fmt: skip
    assert out["overpressure_psi"] > 10  # inside the 4.1 km lethal range of the optimum
    assert out["ground_range_m"] > out["surface_ground_range_m"]
    missing = runner.invoke(app, ["hob", "--yield-kt", "100"])
    assert isinstance(missing.exception, InputError)
