"""``gffutils.gffwriter``: the GFFWriter class, under the module name gffutils uses."""

from .helpers import GFFWriter

__all__ = ["GFFWriter"]
