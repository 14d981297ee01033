#!/usr/bin/env bash
# The whole test suite, on real Redis and Elasticsearch: installs, starts the services, lints, tests.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k seed`).
set -euo pipefail
cd "$(dirname "$0")/.."
NEWSWORKER_TEST_BROWSER=1 bash scripts/bootstrap.sh
.venv/bin/newsworker services up
.venv/bin/ruff check .
.venv/bin/mypy
# the suite reads the compiled entity rules that bootstrap built (worker/tagging/compiled.py), or fails
NEWSWORKER_COMPILED_RULES="${NEWSWORKER_COMPILED_RULES:-required}" .venv/bin/pytest "$@"
