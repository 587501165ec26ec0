"""synoema package."""
