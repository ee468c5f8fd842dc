"""The carriers' reference data: names, tracking-number formats and tracking links.

Pure: shipping, documents and notifications all read it, so it sits below them.
"""
