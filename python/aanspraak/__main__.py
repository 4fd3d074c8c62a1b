"""``python -m aanspraak ...`` runs the command line (see :mod:`aanspraak.cli`)."""

from aanspraak.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
