"""The plate finder's settings: checked when made, every rule listed and switched off by name, and
each group documented field by field with what raising or lowering it trades."""

from __future__ import annotations

import ast
import inspect
from dataclasses import fields, replace

import pytest

from vbt.capture.bar import settings as settings_module
from vbt.capture.bar.settings import (
    ChoiceSettings,
    PlateSettings,
    SearchSettings,
    SwitchSettings,
    rule_names,
    without,
)
from vbt.errors import InputError

#: Rules built but not yet on (the tracker's speed and size gate: on the 39 footage clips it made a
#: rear-oblique RDL wrong and no clip exact; README).
OFF_BY_DEFAULT = (
    "rim.use_vertical_diameter",
    "gate.use_speed_bound",
    "gate.use_size_bound",
    "gate.use_repeats_end_track",
)


def test_every_rule_is_a_use_switch_on_by_default() -> None:
    rules = rule_names()
    assert len(rules) == len(set(rules)) >= 20
    defaults = PlateSettings()
    for rule in rules:
        group, name = rule.split(".")
        assert name.startswith("use_")
        assert getattr(getattr(defaults, group), name) is (rule not in OFF_BY_DEFAULT), rule


def test_without_switches_off_exactly_the_rules_named() -> None:
    off = without(PlateSettings(), "choice.use_hands", "backfill.use_follow_back")
    assert off.choice.use_hands is False
    assert off.backfill.use_follow_back is False
    assert off.choice == replace(ChoiceSettings(), use_hands=False)
    assert off.search == SearchSettings()  # the other groups are untouched
    named = ("choice.use_hands", "backfill.use_follow_back", *OFF_BY_DEFAULT)
    still_on = [r for r in rule_names(off) if r not in named]
    assert all(getattr(getattr(off, r.split(".")[0]), r.split(".")[1]) for r in still_on)
    with pytest.raises(InputError, match=r"unknown plate-finder rule 'choice\.use_knees'"):
        without(PlateSettings(), "choice.use_knees")


def test_settings_reject_negative_and_nan_numbers_and_reversed_bands() -> None:
    with pytest.raises(InputError, match=r"SwitchSettings.recheck_interval_s must be a non-negative"):
        SwitchSettings(recheck_interval_s=-1.0)
    with pytest.raises(InputError, match=r"ChoiceSettings.hands_reach_radii"):
        ChoiceSettings(hands_reach_radii=float("nan"))
    with pytest.raises(InputError, match=r"SearchSettings.band_radii must be \(low, high\)"):
        SearchSettings(band_radii=(1.3, 0.72))
    assert SwitchSettings(recheck_interval_s=float("inf")).recheck_interval_s == float("inf")


def test_every_field_has_a_docstring() -> None:
    """Each field is followed by its docstring (an attribute docstring), and there are as many
    fields as the numbers that used to sit in the bar finder's function bodies."""
    source = inspect.getsource(settings_module)
    tree = ast.parse(source)
    undocumented = []
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name.endswith("Settings")):
            continue
        body = node.body
        for i, item in enumerate(body):
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                following = body[i + 1] if i + 1 < len(body) else None
                doc = (
                    following.value.value
                    if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                    else None
                )
                if not isinstance(doc, str) or len(doc) < 20:
                    undocumented.append(f"{node.name}.{item.target.id}")
    assert undocumented == []
    groups = [getattr(PlateSettings(), f.name) for f in fields(PlateSettings)]
    assert sum(len(fields(g)) for g in groups) >= 120
