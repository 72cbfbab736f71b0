"""The ``exposure`` command. Nothing in the package imports this module."""

from exposure.cli._main import main

__all__ = ["main"]
