#!/usr/bin/env bash
# Sets everything up on a fresh machine with only Python, then runs the whole test suite.
# Browser tests need Debian's chromium; as root we install it with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests need Debian's chromium; storage tests start a real PostgreSQL server.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages for the tests: ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null \
    || echo "warning: could not install ${missing[*]}; those tests will be skipped" >&2
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet ".[test,semantic]"
exec .venv/bin/python -m pytest "$@"
