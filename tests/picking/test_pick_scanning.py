"""The scan loop as a pure state machine: right item, wrong item, location scans, short, skip, done,
and a property: no sequence of scans picks more than planned or the wrong product."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.picking.scanning import ScanAllocation, ScanSession, ScanStop, normalise_location

CODES = {
    "1111": "MUG",
    "2222": "TEE",
    "3333": "CARD",
    "MUG": "MUG",
    "TEE": "TEE",
    "CARD": "CARD",
    "9999": "OTHER",
    "OTHER": "OTHER",
}


def session(cursor: int | None = None) -> ScanSession:
    """Three stops: MUG for two orders (totes 1 and 2), TEE for order B, CARD for order A."""
    return ScanSession(
        [
            ScanStop(10, 1, "A01-B02-L1", "MUG", [ScanAllocation(100, "A", 2, 1), ScanAllocation(101, "B", 1, 2)]),
            ScanStop(11, 2, "A03-B05-L2", "TEE", [ScanAllocation(102, "B", 1, 2)]),
            ScanStop(12, 3, "A07-B01-L1", "CARD", [ScanAllocation(103, "A", 1, 1)]),
        ],
        CODES,
        cursor,
    )


def kinds(events: list) -> list[str]:  # type: ignore[type-arg]
    return [e.kind for e in events]


def test_starts_at_the_first_stop_and_accepts_the_right_product_into_the_right_tote() -> None:
    s = session()
    assert s.current is not None and s.current.id == 10
    assert s.prompt().startswith("go to A01-B02-L1: take 3 x MUG")
    first = s.feed("1111")
    assert kinds(first) == ["picked"] and first[0].tote == 1
    s.feed("MUG")  # a typed SKU counts like its barcode
    third = s.feed("1111")
    assert third[0].tote == 2  # the most urgent order (tote 1) is served first
    assert kinds(third) == ["picked", "stop_done", "prompt"]
    assert s.picks == {100: 2, 101: 1}
    assert s.current is not None and s.current.location == "A03-B05-L2"


def test_wrong_item_is_refused_and_nothing_is_recorded() -> None:
    s = session()
    wrong = s.feed("2222")
    assert kinds(wrong) == ["wrong_item"] and wrong[0].level == "error"
    assert "WRONG ITEM TEE" in wrong[0].message and "A03-B05-L2" in wrong[0].message
    not_on_list = s.feed("9999")
    assert kinds(not_on_list) == ["wrong_item"] and "not on this list" in not_on_list[0].message
    unknown = s.feed("0000000")
    assert kinds(unknown) == ["unknown_code"] and unknown[0].level == "error"
    assert s.picks == {} and s.remaining == 5


def test_location_scan_moves_the_cursor_or_says_it_is_not_on_the_list() -> None:
    s = session()
    moved = s.feed("a7-b1-l1")  # scanners and people write codes loosely
    assert kinds(moved) == ["location"] and s.current is not None and s.current.sku == "CARD"
    assert kinds(s.feed("3333")) == ["picked", "stop_done", "prompt"]
    # Done with CARD: the walk carries on from the start with what is left (MUG).
    assert s.current is not None and s.current.sku == "MUG"
    nowhere = s.feed("A12-B20-L1")
    assert kinds(nowhere) == ["not_on_list"] and nowhere[0].level == "error"
    assert kinds(s.feed("A07-B01-L1")) == ["location"]  # nothing left there: a warning, cursor stays
    assert s.current is not None and s.current.sku == "MUG"


def test_short_puts_the_least_urgent_order_on_hold_and_closes_its_other_picks() -> None:
    s = session()
    s.feed("1111")  # one MUG into tote 1 (order A)
    events = s.feed("short 1")
    assert kinds(events)[:2] == ["short", "order_held"]
    assert s.held == {"B": "1 x MUG missing at A01-B02-L1"}
    assert s.missing == [("A01-B02-L1", "MUG", 1)]
    # B's MUG and its TEE are closed; A still needs one more MUG.
    assert s.closed == {101: 1, 102: 1}
    assert s.current is not None and s.current.sku == "MUG" and s.current.remaining == 1
    s.feed("1111")
    assert s.current is not None and s.current.sku == "CARD"  # TEE (order B only) is skipped over


def test_short_refuses_more_than_is_left_and_nonsense() -> None:
    s = session()
    assert kinds(s.feed("short 4")) == ["refused"]
    assert kinds(s.feed("short lots")) == ["refused"]
    assert s.held == {} and s.missing == []


def test_short_without_a_number_means_everything_left_here() -> None:
    s = session()
    s.feed("short")
    assert set(s.held) == {"A", "B"}
    assert s.remaining == 0
    assert s.current is None


def test_skip_and_done() -> None:
    s = session()
    skipped = s.feed("skip")
    assert kinds(skipped) == ["skip"] and s.current is not None and s.current.sku == "TEE"
    s.feed("2222")
    s.feed("3333")
    assert s.current is not None and s.current.sku == "MUG"  # back to the skipped stop
    end = s.feed("done")
    assert kinds(end) == ["end"] and s.finished and "3 units left" in end[0].message
    assert kinds(s.feed("1111")) == ["refused"]


def test_a_cursor_on_a_finished_stop_moves_to_the_next_open_one() -> None:
    stops = session().stops
    stops[0].allocations[0].picked = 2
    stops[0].allocations[1].picked = 1
    s = ScanSession(stops, CODES, cursor=10)
    assert s.current is not None and s.current.id == 11


def test_orders_no_longer_picking_leave_nothing_to_pick() -> None:
    s = session()
    for stop in s.stops:
        for a in stop.allocations:
            if a.ref == "B":
                a.active = False
    assert s.remaining == 3
    s2 = ScanSession(s.stops, CODES, cursor=11)
    assert s2.current is not None and s2.current.id == 12


def test_two_products_at_one_shelf_can_be_taken_in_either_order() -> None:
    s = ScanSession(
        [
            ScanStop(1, 1, "A01-B01-L1", "MUG", [ScanAllocation(1, "A", 1, 1)]),
            ScanStop(2, 2, "A01-B01-L1", "TEE", [ScanAllocation(2, "A", 1, 1)]),
        ],
        CODES,
    )
    assert kinds(s.feed("2222"))[0] == "picked"
    assert s.picks == {2: 1}


def test_normalise_location() -> None:
    assert normalise_location("a3-b12-l2") == "A03-B12-L2"
    assert normalise_location(" A03-B12 ") == "A03-B12"
    assert normalise_location("4006381333931") is None
    assert normalise_location("short 2") is None


# --- any sequence of scans keeps the books straight ---------------------------------

SKUS = ("MUG", "TEE", "CARD")
BARCODES = {"1111": "MUG", "2222": "TEE", "3333": "CARD"}


@st.composite
def lists_and_scans(draw: st.DrawFn) -> tuple[list[ScanStop], list[str]]:
    count = draw(st.integers(1, 5))
    stops = []
    alloc_id = 0
    for n in range(count):
        allocs = []
        for ref in draw(st.lists(st.sampled_from("ABC"), min_size=1, max_size=3, unique=True)):
            alloc_id += 1
            allocs.append(ScanAllocation(alloc_id, ref, draw(st.integers(1, 3)), "ABC".index(ref) + 1))
        stops.append(ScanStop(n + 1, n + 1, f"A{n + 1:02d}-B0{n + 1}-L1", draw(st.sampled_from(SKUS)), allocs))
    words = (
        [s.location for s in stops] + list(BARCODES) + ["A12-B20-L1", "junk", "skip", "short", "short 1", "short 2", ""]
    )
    return stops, draw(st.lists(st.sampled_from(words), max_size=40))


@settings(max_examples=150, deadline=None)
@given(lists_and_scans())
def test_any_scans_never_pick_more_than_planned_or_the_wrong_product(case: tuple[list[ScanStop], list[str]]) -> None:
    stops, scans = case
    planned = {a.id: a.quantity for s in stops for a in s.allocations}
    s = ScanSession(stops, BARCODES)
    for scan in scans:
        before = s.current
        wanted = before.sku if before is not None else None
        picked_before = sum(s.picks.values())
        events = s.feed(scan)
        if "picked" in [e.kind for e in events]:
            # Only the product of the current stop (or of one beside it on the same shelf) is accepted.
            assert before is not None and (
                BARCODES[scan] == wanted
                or any(x.location == before.location and x.sku == BARCODES[scan] for x in s.stops)
            )
            assert sum(s.picks.values()) == picked_before + 1
        else:
            assert sum(s.picks.values()) == picked_before
        for stop in s.stops:
            for a in stop.allocations:
                assert 0 <= a.picked and a.picked + a.short <= planned[a.id]
                assert a.picked == s.picks.get(a.id, 0) and a.short == s.closed.get(a.id, 0)
                if a.ref in s.held:
                    assert a.remaining == 0
        assert (s.current is None) == (s.remaining == 0)
