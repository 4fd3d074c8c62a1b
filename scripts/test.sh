#!/usr/bin/env bash
# Installs aanspraak into .venv, then runs the Rust unit tests and the pytest suite.
source "$(dirname "$0")/_env.sh"
cargo test --release -p aanspraak-core
python -m pytest -q "$@"
