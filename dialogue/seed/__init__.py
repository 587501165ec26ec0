"""Seed dialogues for training: JSONL files read as package data (see FORMAT.md)."""
