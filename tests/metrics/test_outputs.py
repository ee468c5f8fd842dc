"""The report's outputs agree: the CSV holds the JSON's figures, the terminal table shows
the CSV's rows, and the PDF renders with charts drawn from the JSON's numbers."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.metrics.conftest import WEEK

ROOT = Path(__file__).resolve().parents[2]
#: JSON keys that describe the report or an item rather than hold a figure
NOT_FIGURES = {
    "since",
    "until",
    "by",
    "channel",
    "timezone",
    "generated_at",
    "min_orders",
    "all_channels",
    "low_sample",
    "from",
    "to",
    "start",
}


@pytest.fixture
def outputs(history, oms):  # type: ignore[no-untyped-def]
    """The week's report as JSON, CSV rows and terminal text (the store does not change between runs)."""
    j = oms("--json", "report", *WEEK, "--by", "day")
    c = oms("report", *WEEK, "--by", "day", "--csv")
    t = oms("report", *WEEK, "--by", "day")
    assert (j.exit_code, c.exit_code, t.exit_code) == (0, 0, 0), j.stderr + c.stderr + t.stderr
    return j.json(), list(csv.DictReader(io.StringIO(c.stdout))), t.stdout


def _leaf_keys(node: Any, out: set[str], in_list: bool = False) -> set[str]:
    if isinstance(node, dict):
        # The first key of an entry of a list names the item (channel, step, ref, …).
        for n, (k, v) in enumerate(node.items()):
            if isinstance(v, (dict, list)):
                _leaf_keys(v, out)
            elif k not in NOT_FIGURES and not (in_list and n == 0):
                out.add(k)
    elif isinstance(node, list):
        for v in node:
            _leaf_keys(v, out, in_list=True)
    return out


def test_csv_holds_every_json_figure(outputs) -> None:  # type: ignore[no-untyped-def]
    from oms_cli.metrics.tabular import csv_value, figure_rows

    report, rows, _ = outputs
    expected = [
        {
            "section": r.section,
            "item": r.item,
            "figure": r.figure,
            "value": csv_value(r.value),
            "unit": r.unit,
            "low_sample": "" if r.low_sample is None else csv_value(r.low_sample),
        }
        for r in figure_rows(report)
    ]
    assert rows == expected
    # ...and no figure of the JSON is missing from the CSV.
    assert _leaf_keys(report, set()) == {r["figure"] for r in rows}


def test_csv_values_are_the_json_values(outputs) -> None:  # type: ignore[no-untyped-def]
    report, rows, _ = outputs
    by_key = {(r["section"], r["item"], r["figure"]): r for r in rows}
    assert by_key[("volume", "shopify", "shipped")]["value"] == "4"
    assert float(by_key[("steps", "ship", "share")]["value"]) == report["steps"][3]["share"]
    assert by_key[("promises", "expedited", "on_time_rate")]["low_sample"] == "true"
    assert by_key[("promises", "all", "on_time_rate")]["low_sample"] == "false"
    assert by_key[("shipping_cost", "EUR", "margin_per_order")]["value"] == "-3.39"
    assert by_key[("late", "shopify:2", "late_s")]["value"] == str(5 * 3600)
    assert by_key[("picking", "cara", "lines_per_picker_hour")]["value"] == ""


def _blocks(text: str) -> dict[str, list[str]]:
    """The table text split at the section titles (each title is a line of its own)."""
    from oms_cli.metrics.tabular import SECTIONS

    titles = {s.title: s.key for s in SECTIONS}
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.strip() in titles:
            current = blocks.setdefault(titles[line.strip()], [])
        elif current is not None:
            current.append(line)
    return blocks


def test_table_shows_every_csv_row(outputs) -> None:  # type: ignore[no-untyped-def]
    from oms_cli.metrics.tabular import LABELS, SECTION_BY_KEY, display

    _, rows, text = outputs
    blocks = _blocks(text)
    assert set(blocks) == {r["section"] for r in rows}
    for section, lines in blocks.items():
        spec = SECTION_BY_KEY[section]
        mine = [r for r in rows if r["section"] == section]
        items = list(dict.fromkeys(r["item"] for r in mine))
        for r in mine:
            value: Any = (
                None
                if r["value"] == ""
                else json.loads(r["value"])
                if r["unit"] not in ("money", "text", "step", "time")
                else r["value"]
            )
            shown = display(value, r["unit"]) + (" *" if r["low_sample"] == "true" else "")
            # A section of one item lists figure by figure; the others have a row per item.
            head = LABELS[r["figure"]] if items == ["all"] else r["item"]
            line = next((ln for ln in lines if ln.startswith(f"│ {head} ")), None)
            assert line is not None, (section, head)
            cells = [c.strip() for c in line.strip("│").split("│")]
            column = 1 if items == ["all"] else 1 + spec.figures.index(r["figure"])
            assert cells[column].startswith(shown), (section, r["item"], r["figure"], cells[column], shown)


def test_low_sample_marks_and_bars_in_the_table(outputs) -> None:  # type: ignore[no-untyped-def]
    _, _, text = outputs
    promises = _blocks(text)["promises"]
    expedited = next(ln for ln in promises if ln.startswith("│ expedited "))
    assert "0.0% *" in expedited
    everyone = next(ln for ln in promises if ln.startswith("│ all "))
    assert "60.0% ██████" in everyone and "*" not in everyone
    assert "fewer than 5 orders" in text


def test_pdf_renders_with_charts_matching_the_json(history, oms, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pypdfium2

    from oms_cli.metrics.pdf import render_pdf

    out = tmp_path / "week.pdf"
    r = oms("report", *WEEK, "--by", "day", "--pdf", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == "" and str(out) in r.stderr
    pdf = pypdfium2.PdfDocument(str(out))
    assert len(pdf) > 0
    text = pdf[0].get_textpage().get_text_range()
    assert "Fulfilment report" in text and "2024-03-04" in text
    bitmap = pdf[0].render(scale=0.5).to_pil()
    assert bitmap.convert("L").getextrema()[0] < 128  # something dark was drawn

    report = oms("--json", "report", *WEEK, "--by", "day").json()
    charts = render_pdf(report).charts
    steps = charts["time_per_step"]
    assert steps.categories == ["release", "pick", "pack", "ship", "deliver *"]
    assert steps.series["median_h"] == [s["median_s"] / 3600 for s in report["steps"]] == [1, 2, 1, 4, 24]
    assert steps.series["p90_h"] == [s["p90_s"] / 3600 for s in report["steps"]] == [4, 6, 1, 65, 48]
    on_time = charts["on_time_rate"]
    assert [c.rstrip(" *") for c in on_time.categories] == [x["period"] for x in report["series"]]
    assert on_time.series["on_time_pct"] == [
        None if x["on_time_rate"] is None else x["on_time_rate"] * 100 for x in report["series"]
    ]
    assert on_time.series["on_time_pct"][:3] == [pytest.approx(200 / 3), 0.0, 100.0]
    volume = charts["volume_by_channel"]
    assert (
        volume.categories
        == [c["channel"] for c in report["volume"]["by_channel"]]
        == ["amazon", "ebay", "etsy", "shopify"]
    )
    assert volume.series == {"placed": [2, 1, 1, 3], "shipped": [1, 1, 0, 4]}


def test_pdf_bytes_are_reproducible(history) -> None:  # type: ignore[no-untyped-def]
    from oms_cli.metrics.pdf import render_pdf
    from oms_cli.metrics.service import ReportRequest, build_report

    now = datetime(2024, 6, 1, tzinfo=UTC)
    request = ReportRequest(since=datetime(2024, 3, 4, tzinfo=UTC), until=datetime(2024, 3, 11, tzinfo=UTC), by="day")
    first = render_pdf(build_report(history, request, now=now)).data
    second = render_pdf(build_report(history, request, now=now)).data
    assert first == second and first.startswith(b"%PDF")


def test_every_figure_has_a_definition_and_is_documented(outputs) -> None:  # type: ignore[no-untyped-def]
    from oms_cli.metrics.definitions import METRICS
    from oms_cli.metrics.tabular import definitions_markdown

    _, rows, _ = outputs
    for section, figure in {(r["section"], r["figure"]) for r in rows}:
        assert len(METRICS[(section, figure)].doc) > 20, (section, figure)
    # The docs carry the definitions word for word, so they cannot drift from the code.
    docs = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    assert definitions_markdown() in docs, "regenerate the figure list of docs/report.md (see its note)"
