# Sourced by demo.sh and test.sh: a virtualenv in .venv with aanspraak built from this
# checkout (Rust extension compiled by maturin in release mode) and its test extras.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
python -m pip install -q --upgrade pip
python -m pip install -q maturin
# One release build of the extension, installed into .venv with the test extras.
maturin develop --release --extras test -q
