#!/usr/bin/env bash
# The main job on local defaults: install, start Redis and Elasticsearch, start a worker,
# ingest seeds/, and search for "Taliban". The worker keeps running (stop: scripts/stop.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/newsworker services up
.venv/bin/newsworker index setup >/dev/null
mkdir -p .run
if [ -f .run/worker.pid ] && kill -0 "$(cat .run/worker.pid)" 2>/dev/null; then
  echo "worker: already running (pid $(cat .run/worker.pid))"
else
  nohup .venv/bin/newsworker worker --concurrency 1 >.run/worker.log 2>&1 &
  echo $! >.run/worker.pid
  echo "worker: started (pid $!, log .run/worker.log)"
fi
.venv/bin/newsworker ingest seeds/ --wait --timeout 300
.venv/bin/newsworker search Taliban
