"""The warehouse floor: its layout, location codes and walking distances.

Pure: the catalog checks locations against it and picking walks it, so it sits below both.
"""
