"""Schema migrations (Alembic, batch mode on SQLite), shipped inside the package.

``HEAD`` lets a current store skip loading Alembic at all; a test checks it against
the scripts.
"""

HEAD = "0011"
