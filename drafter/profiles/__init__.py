"""Bundled house-style profiles (data files, read with importlib.resources)."""
