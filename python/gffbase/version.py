"""``gffutils.version``: the package version as a string."""

from ._core import __version__ as version

__all__ = ["version"]
