"""`oms payments …`: payment processor exports, cash and refunds recorded by hand, reconciliation."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from oms_cli.cli.context import state

payments_app = typer.Typer(
    help="Make sure every payment arrived: import Stripe/PayPal exports, record cash and refunds, reconcile.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `payments` group."""
    app.add_typer(payments_app, name="payments")


@payments_app.command("import")
def import_cmd(
    files: Annotated[
        list[str], typer.Argument(help="Stripe balance report, Stripe payments export or PayPal activity CSV files.")
    ],
    date_order: Annotated[
        str | None, typer.Option("--date-order", help="DMY or MDY, for PayPal files whose dates could be either.")
    ] = None,
) -> None:
    """Import payment exports (Stripe, PayPal, Shopify Payments, Amazon settlements; format detected); safe to run again.

    Each file is one transaction: a bad row leaves the store as it was and names the
    file, line and column.

    Example: oms payments import examples/payments/stripe_balance.csv examples/payments/paypal_activity.csv
    """
    from oms_cli.cli import render
    from oms_cli.core.errors import ExitCode
    from oms_cli.payments.service import import_payment_files

    st = state()
    reports = import_payment_files(st.store, files, date_order=date_order)
    if st.json:
        render.emit_json({"files": [r.as_dict() for r in reports]})
    else:
        for r in reports:
            if r.error:
                render.err().print(f"[red]rejected[/red] {render._escape(r.error)}")
            else:
                extra = f", {r.duplicates} repeated in the file" if r.duplicates else ""
                render.info(f"{r.file} ({r.format}): {r.new} new, {r.updated} updated, {r.unchanged} unchanged{extra}")
    if any(r.error for r in reports):
        raise typer.Exit(int(ExitCode.PARTIAL))


@payments_app.command("record")
def record_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference.")],
    amount: Annotated[str, typer.Argument(help="Amount received, in the order's currency, e.g. 64.50.")],
    method: Annotated[
        str, typer.Option("--method", "-m", help="cash (cash on delivery), bank_transfer, cheque, …")
    ] = "cash",
    at: Annotated[
        str | None, typer.Option("--at", help="When it was received (YYYY-MM-DD or ISO time) [default: now].")
    ] = None,
    currency: Annotated[str | None, typer.Option("--currency", help="Only for orders without a currency.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Kept with the payment.")] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Record a second payment of the same amount for the same order.")
    ] = False,
) -> None:
    """Record money received by hand for an order (cash on delivery, a bank transfer).

    The same amount for the same order is refused unless --again, so cash is never counted twice.

    Example: oms payments record woocommerce:2151 64.50 --method cash
    """
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.payments.amounts import parse_amount
    from oms_cli.payments.service import record_payment

    st = state()
    res = record_payment(
        st.store,
        ref,
        parse_amount(amount, "AMOUNT"),
        method=method,
        currency=currency,
        at=parse_when(at, "--at"),
        note=note,
        again=again,
    )
    if st.json:
        render.emit_json(res)
        return
    total = f" of {res['total']} {res['currency']}" if res["total"] is not None else ""
    render.success(
        f"{res['order_ref']}: {res['amount']} {res['currency']} {res['method']} recorded ({res['received']}{total} received)"
    )


@payments_app.command("refund")
def refund_cmd(
    ref: Annotated[str, typer.Argument(help="Order reference.")],
    amount: Annotated[str, typer.Argument(help="Amount refunded, in the order's currency, e.g. 29.90.")],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the refund and on the order).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="When it was refunded [default: now].")] = None,
    again: Annotated[
        bool, typer.Option("--again", help="Record a second refund of the same amount for the same order.")
    ] = False,
) -> None:
    """Record a refund given outside a return (a cancelled order, a goodwill gesture).

    Refunds of returns are recorded by `oms returns close`. The same amount for the same
    order is refused unless --again.

    Example: oms payments refund woocommerce:2155 29.90 --note "cancelled before shipping"
    """
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.payments.amounts import parse_amount
    from oms_cli.payments.service import record_refund

    st = state()
    res = record_refund(
        st.store, ref, parse_amount(amount, "AMOUNT"), note=note, at=parse_when(at, "--at"), again=again
    )
    if st.json:
        render.emit_json(res)
        return
    render.success(
        f"{res['order_ref']}: refund of {res['amount']} {res['currency']} recorded ({res['refunded']} refunded in all)"
    )


@payments_app.command("list")
def list_cmd(
    since: Annotated[
        str | None, typer.Option("--since", help="Paid on or after (YYYY-MM-DD, ISO time, or 3d/2w).")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="stripe_balance, stripe_payments, paypal, shopify_payments, amazon_settlement or manual."
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="At most this many (0 = all).")] = 50,
) -> None:
    """List imported and recorded payments, newest first.

    Example: oms payments list --source paypal --since 2w
    """
    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.payments.service import list_payments

    st = state()
    rows = list_payments(st.store, since=parse_when(since), source=source, limit=limit or None)
    if st.json:
        render.emit_json(rows)
        return
    if not rows:
        render.info(
            "no payments" + (" match" if since or source else " yet: import some with `oms payments import FILE`")
        )
        return
    render.table(
        None,
        ["at", "source", "transaction", "kind", "gross", "fee", "net", "order", "email", "description"],
        [
            [
                r["at"],
                r["source"],
                r["transaction_id"],
                r["kind"],
                _money(r["gross"], r["currency"]),
                _money(r["fee"], r["currency"]),
                _money(r["net"], r["currency"]),
                r["order_ref"] or r["order_ref_hint"],
                r["email"],
                r["description"],
            ]
            for r in rows
        ],
    )


@payments_app.command("reconcile")
def reconcile_cmd(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only orders placed and payments made on or after (YYYY-MM-DD, or 30d)."),
    ] = None,
    csv_: Annotated[bool, typer.Option("--csv", help="One CSV row per finding on stdout.")] = False,
    window: Annotated[
        int, typer.Option("--window", help="Days a payment may be from its order to match on amount and e-mail.")
    ] = 3,
    tolerance: Annotated[
        str, typer.Option("--tolerance", help="Amount difference still counted as equal, e.g. 0.01.")
    ] = "0",
) -> None:
    """Match payments to orders and report what needs attention; exit code 9 when something does.

    Reports orders shipped but not paid (cash-on-delivery orders apart), payments with no
    order, amounts that differ, refunds at the processor the shop has not recorded, and
    fees and net per payout. For cron: `oms payments reconcile --csv || mail …`.

    Example: oms payments reconcile --since 30d
    """
    from datetime import timedelta

    from oms_cli.cli import render
    from oms_cli.cli.options import parse_when
    from oms_cli.core.errors import ExitCode, UsageError
    from oms_cli.payments.service import reconcile_store

    st = state()
    if csv_ and st.json:
        raise UsageError("--csv and --json are two outputs: choose one")
    if window < 0:
        raise UsageError("--window must be 0 days or more")
    slack = _tolerance(tolerance)
    if slack < 0:
        raise UsageError("--tolerance must be 0 or more")
    result = reconcile_store(st.store, since=parse_when(since), window=timedelta(days=window), tolerance=slack)
    if st.json:
        render.emit_json(result.to_json())
    elif csv_:
        _write_csv(result)
    else:
        _tables(result)
    if result.needs_attention:
        raise typer.Exit(int(ExitCode.ATTENTION))


@payments_app.command("ack")
def ack_cmd(
    finding: Annotated[str, typer.Argument(help="The finding's key, as the reconcile CSV's finding column gives it.")],
    note: Annotated[str | None, typer.Option("--note", help="Why the finding is explained (kept with it).")] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Take the acknowledgement back.")] = False,
    window: Annotated[
        int, typer.Option("--window", help="Days a payment may be from its order (as given to reconcile).")
    ] = 3,
    tolerance: Annotated[
        str, typer.Option("--tolerance", help="Amount difference still counted as equal (as given to reconcile).")
    ] = "0",
) -> None:
    """Acknowledge an explained reconcile finding, so it stops making reconcile exit 9.

    The acknowledgement holds while the finding stays as it is: if the amounts change
    (another payment, a different difference), the finding needs attention again.
    Acknowledging again replaces the note; --undo takes it back.

    Example: oms payments ack amount_mismatch:shopify:1044 --note "customer paid the postage in cash"
    """
    from datetime import timedelta

    from oms_cli.cli import render
    from oms_cli.core.errors import UsageError
    from oms_cli.payments.service import acknowledge_finding, withdraw_acknowledgement

    st = state()
    if undo:
        if note is not None:
            raise UsageError("--undo takes no --note")
        result = withdraw_acknowledgement(st.store, finding)
    else:
        if note is None:
            raise UsageError("--note is required: say why the finding is explained")
        slack = _tolerance(tolerance)
        result = acknowledge_finding(st.store, finding, note, window=timedelta(days=window), tolerance=slack)
    if st.json:
        render.emit_json(result)
    elif result.removed:
        render.info(f"{result.finding}: acknowledgement taken back; it needs attention again")
    else:
        render.info(f"{result.finding}: acknowledged ({result.note})")


def _tolerance(text: str) -> Any:
    """--tolerance as a Decimal amount (0 when 0 or empty)."""
    from decimal import Decimal

    from oms_cli.payments.amounts import parse_amount

    return Decimal(0) if text.strip() in ("0", "") else parse_amount(text, "--tolerance")


def _write_csv(result: Any) -> None:
    import csv
    import sys

    from oms_cli.payments.findings import COLUMNS, finding_rows

    writer = csv.DictWriter(sys.stdout, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in finding_rows(result):
        writer.writerow(row)
    sys.stdout.flush()


def _money(amount: Any, currency: str | None) -> str:
    return "" if amount is None else f"{amount} {currency or ''}".strip()


def _tables(result: Any) -> None:
    from oms_cli.cli import render

    if result.unpaid_shipped:
        render.table(
            "Shipped but not paid (explained? oms payments ack unpaid_shipped:ORDER --note …)",
            ["order", "status", "payment", "method", "total", "why"],
            [
                [o.order_ref, o.status, o.payment_status, o.payment_method, _money(o.total, o.currency), o.reason]
                for o in result.unpaid_shipped
            ],
        )
    if result.cod_awaiting_cash:
        render.table(
            "Cash on delivery: cash not yet recorded (oms payments record REF AMOUNT --method cash)",
            ["order", "status", "total", "cash recorded"],
            [
                [o.order_ref, o.status, _money(o.total, o.currency), _money(o.received, o.currency)]
                for o in result.cod_awaiting_cash
            ],
        )
    if result.unmatched_payments:
        render.table(
            "Payments with no order (explained? oms payments ack unmatched_payment:TRANSACTION --note …)",
            ["transaction", "source", "kind", "at", "amount", "email", "reference", "why"],
            [
                [
                    p.transaction_id,
                    p.source,
                    p.kind,
                    p.at,
                    _money(p.amount, p.currency),
                    p.email,
                    p.order_ref_hint,
                    p.reason,
                ]
                for p in result.unmatched_payments
            ],
        )
    if result.amount_mismatches:
        render.table(
            "Amounts that differ (explained? oms payments ack amount_mismatch:ORDER --note …)",
            ["order", "total", "paid", "difference", "transactions", "note"],
            [
                [
                    m.order_ref,
                    _money(m.order_total, m.currency),
                    _money(m.paid, m.currency),
                    _money(m.difference, m.currency),
                    " ".join(m.transaction_ids),
                    m.note,
                ]
                for m in result.amount_mismatches
            ],
        )
    if result.unrecorded_refunds:
        render.table(
            "Refunds not recorded by the shop (oms returns close / oms payments refund)",
            ["order", "refunded at processor", "recorded", "difference", "transactions"],
            [
                [
                    r.order_ref,
                    _money(r.processor_refunded, r.currency),
                    _money(r.recorded_refunded, r.currency),
                    _money(r.difference, r.currency),
                    " ".join(r.transaction_ids),
                ]
                for r in result.unrecorded_refunds
            ],
        )
    if result.acknowledged:
        render.table(
            "Acknowledged (no attention needed while they stay as they are; oms payments ack --undo KEY)",
            ["finding", "note", "acknowledged"],
            [[a.finding, a.note, a.acknowledged_at] for a in result.acknowledged],
        )
    if result.payouts:
        render.table(
            "Fees and net per payout",
            ["source", "payout", "paid out", "transactions", "gross", "fees", "net", "payout amount", "difference"],
            [
                [
                    s.source,
                    s.payout_id or "(not paid out)",
                    s.paid_out_at,
                    s.transactions,
                    _money(s.gross, s.currency),
                    _money(s.fees, s.currency),
                    _money(s.net, s.currency),
                    _money(s.paid_out, s.currency),
                    _money(s.difference, s.currency),
                ]
                for s in result.payouts
            ],
        )
    counts = {
        "shipped but not paid": len(result.unpaid_shipped),
        "payments with no order": len(result.unmatched_payments),
        "amounts that differ": len(result.amount_mismatches),
        "refunds not recorded": len(result.unrecorded_refunds),
    }
    found = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    matched = f"{len(result.matches)} payments matched to orders"
    if result.needs_attention:
        render.warn(f"needs attention: {found} ({matched})")
    else:
        render.success(
            f"every payment accounted for ({matched})"
            + (
                f"; {len(result.cod_awaiting_cash)} cash-on-delivery orders await their cash"
                if result.cod_awaiting_cash
                else ""
            )
        )
