from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

from settings_table import settings_table  # noqa: E402


def test_readme_configuration_table_lists_every_setting() -> None:
    # Regenerate with: .venv/bin/python scripts/update_readme.py
    assert settings_table() in (REPO / "README.md").read_text()


def test_ci_runs_the_readme_test_command() -> None:
    readme = (REPO / "README.md").read_text()
    assert "bash scripts/test.sh" in readme
    assert "bash scripts/test.sh" in (REPO / ".ci" / "run").read_text()
