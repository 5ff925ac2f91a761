"""Planned ids: what the demo organization is seeded with (`service.demo`)."""

from __future__ import annotations

import re

import pytest

from service.ids import ID_PATTERN, new_id, planned_ids

RFL = "rfl_01JD5ZQ8W4M3KXHNB7T2C9V6RE"


def test_a_planned_id_is_handed_out_once_then_new_ones_again() -> None:
    with planned_ids(per=("per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "per_01JD5ZQ8W4M3KXHNB7T2C9V6RF")):
        first, second, blf = new_id("per"), new_id("per"), new_id("blf")
        third = new_id("per")
    assert (first, second) == ("per_01JD5ZQ8W4M3KXHNB7T2C9V6RE", "per_01JD5ZQ8W4M3KXHNB7T2C9V6RF")
    assert third not in (first, second) and re.match(ID_PATTERN, third)
    assert blf.startswith("blf_")  # another prefix stays random
    assert new_id("per") != first  # outside the block, nothing is planned


def test_a_planned_id_left_unused_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not used"), planned_ids(rfl=RFL):
        new_id("per")


def test_an_error_in_the_block_is_not_hidden_by_the_unused_ids() -> None:
    with pytest.raises(KeyError), planned_ids(rfl=RFL):
        raise KeyError("the block's own error")
