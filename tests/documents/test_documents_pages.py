"""Pagination of page documents: every row once, in order, headings repeated on continued pages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from oms_cli.documents.label_layout import format_weight
from oms_cli.documents.pages import Row, Table, paginate


def nothing(canvas: object, top: float) -> None:
    """A row that draws nothing: pagination only looks at heights."""


def heading(canvas: object, top: float) -> None:
    """The table's column headings (drawing nothing either)."""


@settings(max_examples=80, deadline=None)
@given(
    # Rows are shorter than a page less the heading, as a table row on paper always is.
    heights=st.lists(st.floats(5, 100), min_size=1, max_size=60),
    body=st.floats(130, 700),
    before=st.integers(0, 3),
)
def test_rows_fit_pages_in_order_and_tables_repeat_their_heading(
    heights: list[float], body: float, before: int
) -> None:
    table = Table(20.0, heading)
    intro = [Row(30.0, nothing) for _ in range(before)]
    rows = [*intro, Row(table.height, table.draw, keep_with_next=True)]
    rows += [Row(h, nothing, table=table) for h in heights]
    pages = paginate(rows, body)
    placed = [row for page in pages for row in page]
    headings = [row for row in placed if row.draw is table.draw]
    assert [row for row in placed if row.draw is not table.draw] == [r for r in rows if r.draw is not table.draw]
    assert all(sum(row.height for row in page) <= body + 1e-9 for page in pages)
    # The table's heading opens it once, and again at the top of every page it continues on.
    opening_page = next(i for i, page in enumerate(pages) if any(row.draw is table.draw for row in page))
    assert all(page[0].draw is table.draw for page in pages[opening_page + 1 :])
    assert len(headings) == 1 + len(pages) - opening_page - 1
    # The opening heading is never left alone at the foot of a page.
    assert pages[opening_page][-1].draw is not table.draw


def test_weight_prints_in_kilograms_or_pounds() -> None:
    assert format_weight(1250, "kg") == "1.25 kg"
    assert format_weight(1250, "lb") == "2.76 lb"
    assert format_weight(5, "kg") == "0.01 kg"
