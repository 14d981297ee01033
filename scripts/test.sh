#!/usr/bin/env bash
# The whole test suite, on real Redis and Elasticsearch: installs, starts the services, lints, tests.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k seed`).
set -euo pipefail
cd "$(dirname "$0")/.."
NEWSWORKER_TEST_BROWSER=1 bash scripts/bootstrap.sh
.venv/bin/newsworker services up
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/pytest "$@"
