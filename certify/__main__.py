"""``python -m certify`` is the same as the ``certify`` command."""

from certify.cli.main import main

raise SystemExit(main())
