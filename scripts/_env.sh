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
# Spark needs a Java runtime (17 or later); install Debian's when there is none.
if ! command -v java >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get install -y -q openjdk-17-jre-headless >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q openjdk-17-jre-headless >/dev/null; } || true
fi
# One release build of the extension, installed into .venv with the test extras and
# the Spark, Dask and chainladder extras (their tests run the real packages).
maturin develop --release --extras test,spark,dask,chainladder -q
