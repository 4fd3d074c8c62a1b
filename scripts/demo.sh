#!/usr/bin/env bash
# Installs aanspraak into .venv, scores the bundled example declarations and prints the
# schadelast summary and an eigen-risico what-if (the `aanspraak demo` command).
source "$(dirname "$0")/_env.sh"
python -m aanspraak demo "$@"
