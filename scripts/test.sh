#!/usr/bin/env bash
# Sets everything up on a fresh machine with only Python, then runs ruff and the whole test suite.
# Browser tests need Debian's chromium, structured-data tests Node; as root we install them with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests need Debian's chromium; storage tests start a real PostgreSQL server;
# the structured-data tests run an npm checker under Node (installed on its own: a Node
# from elsewhere may refuse Debian's npm, and that must not cost us chromium).
install() {
  echo "Installing Debian packages for the tests: $*"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >/dev/null \
    || echo "warning: could not install $*; those tests will be skipped" >&2
}
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
node_missing=()
command -v node >/dev/null 2>&1 || node_missing+=(nodejs)
command -v npm >/dev/null 2>&1 || node_missing+=(npm)
command -v java >/dev/null 2>&1 || node_missing+=(default-jre-headless)  # the Nu HTML Checker
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  [ ${#missing[@]} -eq 0 ] || install "${missing[@]}"
  [ ${#node_missing[@]} -eq 0 ] || install "${node_missing[@]}"
fi

# The structured-data checker and the Nu HTML Checker, exactly as their package-lock.json pin them.
if command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/sdtt --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null \
    || echo "warning: npm ci failed in tests/sdtt; the structured-data checks will be skipped" >&2
  npm ci --prefix tests/vnu --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null \
    || echo "warning: npm ci failed in tests/vnu; the HTML validity checks will be skipped" >&2
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet ".[test,semantic]"

# Lint and formatting first: a finding fails the run before the tests start.
.venv/bin/ruff check kbgen tests benchmarks
.venv/bin/ruff format --check kbgen tests benchmarks
exec .venv/bin/python -m pytest "$@"
