"""`python -m dialogue` is `synoema-dialogue`."""

from dialogue.cli import main

raise SystemExit(main())
