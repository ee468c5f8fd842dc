"""A command group that is also a command: `oms ship REF …` next to `oms ship export …`."""

from __future__ import annotations

from typing import Any

from typer.core import TyperGroup


class ActionGroup(TyperGroup):
    """A group whose first word selects a subcommand when it names one; anything else is
    the group's own argument (an order reference), with options before or after it."""

    allow_interspersed_args = True

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] in self.commands:
            super().parse_args(ctx, [])
            ctx._protected_args, ctx.args = args[:1], args[1:]
            return ctx.args
        return super().parse_args(ctx, args)
