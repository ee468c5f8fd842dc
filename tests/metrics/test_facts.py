"""The fact queries read real columns of the store, without its SQLModel classes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_every_column_the_report_reads_exists_in_the_store() -> None:
    from oms_cli.metrics.facts import TABLES
    from oms_cli.store.models import SQLModel
    from oms_cli.store.types import UTCDateTime

    schema = SQLModel.metadata.tables
    for t in TABLES:
        assert t.name in schema, t.name
        missing = {c.name for c in t.columns} - {c.name for c in schema[t.name].columns}
        assert not missing, f"{t.name}: {missing}"
        # Timestamps must bind as the store's UTC type, or aware datetimes would not compare.
        for c in t.columns:
            if isinstance(schema[t.name].c[c.name].type, UTCDateTime):
                assert isinstance(c.type, UTCDateTime), f"{t.name}.{c.name} needs the UTCDateTime type"


def test_the_report_does_not_build_the_model_classes(store, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys\n"
        "from oms_cli.store.engine import Store\n"
        "from oms_cli.metrics.service import ReportRequest, build_report\n"
        f"build_report(Store({str(db_path)!r}), ReportRequest())\n"
        "print('oms_cli.store.models' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
