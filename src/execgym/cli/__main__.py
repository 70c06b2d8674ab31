"""``python -m execgym.cli``: the ``execgym`` command line."""

from execgym.cli import main

main()
