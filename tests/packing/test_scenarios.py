"""The 22 BoxPacker behaviour scenarios give their expected outcome."""

from __future__ import annotations

from collections import Counter

import pytest
from conformance_data import Scenario, scenarios
from packcheck import packing_errors

from oms_cli.packing.engine import choose_boxes, fill_box


@pytest.mark.parametrize("scenario", scenarios(), ids=lambda s: f"{s.scenario_id}")
def test_scenario_gives_its_expected_outcome(scenario: Scenario) -> None:
    if scenario.mode == "single_box":
        assert len(scenario.boxes) == 1
        result = fill_box(scenario.items, scenario.boxes[0])
    else:
        result = choose_boxes(scenario.items, scenario.boxes)
    assert packing_errors(scenario.items, result) == []
    if scenario.mode == "multi_box":
        # upstream raises when anything is left over
        assert result.unpacked == []
    counted = {
        "boxes_of_type": Counter(p.box.ref for p in result.packages),
        "packed_items_of_type": Counter(u.ref for p in result.packages for u in p.placements),
        "unpacked_items_of_type": Counter(u.ref for u in result.unpacked),
    }
    for assertion, ref, expected in scenario.expected:
        assert counted[assertion][ref] == expected, f"{scenario.title}: {assertion} {ref}"


def test_all_22_scenarios_are_loaded() -> None:
    assert len(scenarios()) == 22
