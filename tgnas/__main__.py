"""``python -m tgnas ...``: the command line without the installed ``tgnas`` script (e.g. from source)."""

from tgnas.cli import main

main()
