#!/usr/bin/env bash
# Installs aanspraak into .venv and scores the bundled example declarations.
source "$(dirname "$0")/_env.sh"
python -m aanspraak.demo "$@"
