"""`python -m corpus` is `synoema-corpus`."""

from corpus.cli import main

raise SystemExit(main())
