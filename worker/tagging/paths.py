"""Where the tagging package, its shipped data and the bundled models lie.

Found from this module, which is never compiled: a compiled module's `__file__` is under `_compiled/` (see
`compiled.py`), so the modules that `compiled.COMPILED` names take their data paths from here, never from their own
`__file__`.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
MODELS_DIR = PACKAGE_DIR.parent / "models"  # worker/models: the bundled NER models, vectors and adapters
