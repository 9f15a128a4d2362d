"""Allow ``python -m pdsa_tui``."""

from pdsa_tui.cli import main

raise SystemExit(main())
