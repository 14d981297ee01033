"""Rewrite the configuration table between the README's settings-table markers."""

from __future__ import annotations

import re
from pathlib import Path

from settings_table import settings_table

README = Path(__file__).resolve().parent.parent / "README.md"

text = README.read_text()
block = f"<!-- settings-table -->\n{settings_table()}\n<!-- /settings-table -->"
README.write_text(re.sub(r"<!-- settings-table -->.*?<!-- /settings-table -->", lambda _: block, text, flags=re.S))
