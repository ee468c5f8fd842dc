"""`oms feedback` and `oms problems`: complaints become problems until resolved;
good feedback is thanked."""

from __future__ import annotations

from pathlib import Path

import pytest
from shipping.fixtures import SmtpSink, make_order, store_digest

from oms_cli.aftercare.complaints import complaint_words, is_low
from tests import storedb


def query(db: Path, sql: str) -> list[tuple]:
    con = storedb.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_good_feedback_is_thanked_and_opens_nothing(
    oms, store, db_path: Path, config_file, smtp_server: SmtpSink
) -> None:
    config_file({"notify": smtp_server.config()})
    make_order(store, status="delivered")
    r = oms("--json", "feedback", "add", "shopify:1001", "--rating", "5", "--comment", "Lovely mug, thank you!")
    assert r.exit_code == 0, r.stderr
    data = r.json()
    assert data["problem_id"] is None and data["thanks"]["queued"] is True
    assert query(db_path, "SELECT rating, comment FROM feedback") == [(5, "Lovely mug, thank you!")]
    assert query(db_path, "SELECT count(*) FROM problems") == [(0,)]
    assert oms("notify", "send").exit_code == 0
    (msg,) = smtp_server.messages
    assert msg["Subject"] == "Thank you for your feedback"
    assert "5 out of 5" in msg.get_body(("plain",)).get_content()
    assert [e[0] for e in query(db_path, "SELECT note FROM order_events WHERE command = 'feedback add'")] == [
        "feedback 5/5"
    ]


def test_a_low_rating_opens_a_problem_until_it_is_resolved(oms, store, db_path: Path) -> None:
    make_order(store, status="delivered")
    r = oms("feedback", "add", "1001", "--rating", "2")
    assert r.exit_code == 0
    assert "problem #1 opened" in r.stderr
    assert query(db_path, "SELECT count(*) FROM outbox") == [(0,)]
    r = oms("--json", "problems", "list", "--open")
    assert r.exit_code == 9
    (p,) = r.json()
    assert (p["id"], p["ref"], p["source"], p["status"]) == (1, "shopify:1001", "feedback", "open")
    assert p["description"] == "feedback #1: rating 2/5"
    r = oms("problems", "resolve", "1", "--note", "refunded the shipping")
    assert r.exit_code == 0 and "resolved" in r.stderr
    r = oms("--json", "problems", "list", "--open")
    assert r.exit_code == 0 and r.json() == []
    (p,) = oms("--json", "problems", "list").json()
    assert (p["status"], p["resolution"]) == ("resolved", "refunded the shipping") and p["resolved_at"]
    before = store_digest(db_path)
    r = oms("problems", "resolve", "1", "--note", "again")
    assert r.exit_code == 0 and "already resolved" in r.stderr
    assert store_digest(db_path) == before


def test_a_complaint_with_a_good_rating_opens_a_problem_and_is_not_thanked(oms, store, db_path: Path) -> None:
    make_order(store, status="delivered")
    r = oms(
        "--json",
        "feedback",
        "add",
        "shopify:1001",
        "--rating",
        "4",
        "--comment",
        "Nice, but the box arrived DAMAGED and one cup was missing",
    )
    data = r.json()
    assert data["problem_id"] == 1 and data["thanks"] is None
    assert data["complaint_words"] == ["damaged", "missing"]
    assert query(db_path, "SELECT description FROM problems") == [
        (
            "feedback #1: rating 4/5 and complaint (damaged, missing): Nice, but the box arrived DAMAGED and one cup was missing",
        )
    ]
    assert query(db_path, "SELECT count(*) FROM outbox") == [(0,)]
    r = oms("feedback", "list")
    assert r.exit_code == 0 and "#1" in r.stdout and "shopify:1001" in r.stdout


def test_the_same_feedback_twice_is_recorded_once(oms, store, db_path: Path) -> None:
    make_order(store, status="delivered")
    assert oms("feedback", "add", "shopify:1001", "-r", "1", "--comment", "never arrived").exit_code == 0
    before = store_digest(db_path)
    r = oms("feedback", "add", "shopify:1001", "-r", "1", "--comment", "never arrived")
    assert r.exit_code == 0 and "already recorded" in r.stderr
    assert store_digest(db_path) == before


@pytest.mark.parametrize("rating", ["0", "6", "-1"])
def test_ratings_outside_one_to_five_are_bad_input(oms, store, db_path: Path, rating: str) -> None:
    make_order(store, status="delivered")
    before = store_digest(db_path)
    r = oms("feedback", "add", "shopify:1001", "--rating", rating)
    assert r.exit_code == 3
    assert f"--rating {rating} is not a rating from 1 to 5" in r.stderr
    assert store_digest(db_path) == before


def test_feedback_for_an_unknown_order_is_not_found(oms, store, db_path: Path) -> None:
    before = store_digest(db_path)
    assert oms("feedback", "add", "shopify:404", "--rating", "3").exit_code == 4
    assert store_digest(db_path) == before


def test_thank_you_can_be_switched_off_and_complaint_words_replaced(oms, store, db_path: Path, config_file) -> None:
    config_file(
        {
            "notify": {"thank_you_on_good_feedback": False},
            "feedback": {"problem_below": 2, "complaint_words": ["kaputt", "zu spät"]},
        }
    )
    make_order(store, status="delivered")
    make_order(store, "shopify:1002", status="delivered")
    r = oms("--json", "feedback", "add", "shopify:1001", "--rating", "5", "--comment", "the lid was broken")
    assert r.json()["problem_id"] is None and r.json()["thanks"] is None  # "broken" is not in the shop's list
    r = oms("--json", "feedback", "add", "shopify:1002", "--rating", "2", "--comment", "Leider  zu  Spät")
    assert r.json()["problem_id"] == 1 and r.json()["complaint_words"] == ["zu  spät"]
    assert query(db_path, "SELECT count(*) FROM outbox") == [(0,)]


def test_feedback_list_filters(oms, store) -> None:
    make_order(store, status="delivered")
    make_order(store, "shopify:1002", status="delivered")
    oms("feedback", "add", "shopify:1001", "-r", "5")
    oms("feedback", "add", "shopify:1002", "-r", "1")
    assert [f["ref"] for f in oms("--json", "feedback", "list", "--below", "3").json()] == ["shopify:1002"]
    assert [f["rating"] for f in oms("--json", "feedback", "list", "--order", "1001").json()] == [5]
    rows = oms("--json", "feedback", "list").json()
    assert {(f["ref"], f["open_problem"]) for f in rows} == {("shopify:1001", None), ("shopify:1002", 1)}


def test_resolving_needs_a_known_problem_and_a_note(oms, store) -> None:
    assert oms("problems", "resolve", "42", "--note", "x").exit_code == 4
    assert oms("problems", "resolve", "42", "--note", "  ").exit_code == 2
    assert oms("problems", "resolve", "42").exit_code == 2
    r = oms("problems", "list", "--open")
    assert r.exit_code == 0 and "no problems open" in r.stderr


@pytest.mark.parametrize(
    ("comment", "words"),
    [
        ("It never   arrived", ["never   arrived"]),
        ("didn’t receive the second parcel", ["didn't receive"]),
        ("Wrong size, want a refund", ["wrong", "refund"]),
        ("Latest design, lovely", []),
        ("Badge was perfect", []),
        (None, []),
    ],
)
def test_complaint_words(comment: str | None, words: list[str]) -> None:
    assert complaint_words(comment) == words


def test_low_ratings() -> None:
    assert is_low(2, 3) and not is_low(3, 3)
