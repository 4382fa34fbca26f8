"""``python -m certify`` is the same as the ``certify`` command."""

from certify.cli import main

raise SystemExit(main())
