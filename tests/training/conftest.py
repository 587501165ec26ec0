"""Session fixtures of the training tests (helpers live in training_support)."""

from training_support import rows_file, scratch_base  # noqa: F401  (fixtures)
