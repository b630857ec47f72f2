"""Shared core of Taizhang: where the store is, its schema, and how to open it."""
