"""InChild: a producer in a forked process, its items, errors and end received here."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest

from oms_cli.core.errors import BadInput, OmsError
from oms_cli.core.forked import InChild

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _numbers() -> Any:
    for i in range(3000):
        yield (i, str(i), [i % 7, None], i % 2 == 0)


def test_items_arrive_in_order_and_whole() -> None:
    with InChild(_numbers) as child:
        got = list(child)
    assert got == list(_numbers())


def test_items_marshal_cannot_write_go_by_pickle() -> None:
    def produce() -> Any:
        yield ("a", 1)
        yield (datetime(2026, 11, 26, 9, 0, tzinfo=UTC), Decimal("1.10"))
        yield ("b", 2)

    with InChild(produce) as child:
        assert list(child) == list(produce())


def test_the_producer_runs_in_another_process() -> None:
    def produce() -> Any:
        yield os.getpid()

    with InChild(produce) as child:
        (pid,) = list(child)
    assert pid != os.getpid()


def test_an_oms_error_in_the_child_is_raised_here_with_its_class_message_and_hint() -> None:
    def produce() -> Any:
        yield 1
        raise BadInput("orders.csv:41: Lineitem quantity 'two' is not a whole number", hint="fix the file")

    with InChild(produce) as child:
        seen = []
        with pytest.raises(BadInput) as caught:
            for item in child:
                seen.append(item)
    assert seen == [1]
    assert caught.value.message == "orders.csv:41: Lineitem quantity 'two' is not a whole number"
    assert caught.value.hint == "fix the file"
    assert isinstance(caught.value, OmsError)


def test_any_other_failure_is_an_internal_error_with_the_childs_traceback() -> None:
    def produce() -> Any:
        yield 1
        raise ZeroDivisionError("boom")

    with (
        InChild(produce) as child,
        pytest.raises(RuntimeError, match="(?s)worker process failed.*ZeroDivisionError: boom"),
    ):
        list(child)


def test_a_child_that_dies_is_reported_not_waited_for() -> None:
    def produce() -> Any:
        yield 1
        os._exit(3)

    with InChild(produce) as child, pytest.raises(RuntimeError, match="ended without finishing"):
        list(child)


def test_stopping_early_stops_the_child() -> None:
    def produce() -> Any:
        while True:
            yield "x" * 10_000

    child = InChild(produce)
    it = iter(child)
    assert next(it) == "x" * 10_000
    child.close()
    assert not child._proc.is_alive()
    assert child._proc.exitcode is not None


def test_the_child_does_not_write_the_parents_pending_output(capfd: pytest.CaptureFixture[str]) -> None:
    print("once", end="")

    def produce() -> Any:
        print("from the child")
        yield 1

    with InChild(produce) as child:
        assert list(child) == [1]
    time.sleep(0.05)
    out = capfd.readouterr().out
    assert out == "once"
