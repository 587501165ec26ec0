"""``python -m training`` (and ``accelerate launch -m training``) is ``synoema-train``."""

from training.cli import main

raise SystemExit(main())
