"""`python -m evaluation` is `synoema-eval`."""

import sys

from evaluation.cli import main

sys.exit(main())
