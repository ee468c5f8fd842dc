"""Write docs/order.schema.json, the JSON Schema of the canonical order, from the model.

python scripts/gen_schema.py          # write it
python scripts/gen_schema.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "order.schema.json"


def schema_text() -> str:
    """The schema as pretty JSON text."""
    from oms_cli.importers.model import Order

    schema = Order.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://oms.example/order.schema.json"
    schema["title"] = "oms order"
    schema["description"] = (
        "One order in the canonical shape used by `oms --json orders …` and JSON Lines import/export."
    )
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def main() -> int:
    """Write or check the schema file."""
    text = schema_text()
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print("docs/order.schema.json is stale (run python scripts/gen_schema.py)")
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
