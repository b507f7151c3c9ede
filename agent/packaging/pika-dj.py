"""The single-file executable's entry point (PyInstaller runs a script, not a console_scripts entry)."""

import sys

from pika_dj.cli import main

if __name__ == "__main__":
    sys.exit(main())
