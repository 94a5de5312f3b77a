#!/usr/bin/env bash
# Installs DuckDB (PyPI `duckdb`, pinned) into target/duckdb-venv for the reconcile speed comparison.
# A benchmark tool only: CI does not run it. Fails loudly on any error.
set -euo pipefail

DUCKDB_VERSION=2.0.0
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/duckdb-venv"

python3 -c 'import sys; assert sys.version_info >= (3, 11), "python 3.11+ needed (tomllib)"'
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "duckdb==$DUCKDB_VERSION"
got="$("$venv/bin/python" -c 'import duckdb; print(duckdb.__version__)')"
if [ "$got" != "$DUCKDB_VERSION" ]; then
    echo "setup.sh: expected duckdb $DUCKDB_VERSION in $venv, found $got" >&2
    exit 1
fi
echo "duckdb $got ready: $venv/bin/python"
