"""Where the tagging package, its shipped data and the bundled models lie.

Found from this module, which is never compiled: a compiled module's `__file__` is under `_compiled/` (see
`compiled.py`), so every other module of the package takes its directories from here, never from its own `__file__`
(tests/tagging/test_compiled_rules.py holds them to it), and any of them may join the build.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
MODELS_DIR = PACKAGE_DIR.parent / "models"  # worker/models: the bundled NER models, vectors and adapters
