#!/usr/bin/env bash
# Stops what quickstart.sh started: the worker, then Elasticsearch and Redis.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -f .run/worker.pid ]; then kill "$(cat .run/worker.pid)" 2>/dev/null; rm -f .run/worker.pid; echo "worker: stopped"; fi
.venv/bin/newsworker services down
