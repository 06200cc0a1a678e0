"""Exceptions raised by gffbase.

Every exception derives from :class:`GffbaseError` *and* from the built-in
class a caller would expect (``ValueError`` for bad input, ``OSError`` for
files, ``KeyError`` for a missing ID), so ``except ValueError`` keeps working
for code written against gffutils.  Messages carry the core's context:
``path:line``, the field, what was expected and what was found.
"""


class GffbaseError(Exception):
    """Base class of every gffbase exception."""


class InvalidInputError(GffbaseError, ValueError):
    """The annotation text is malformed (strict mode, or nothing usable)."""


class InvalidArgumentError(GffbaseError, ValueError):
    """An argument passed to gffbase is not valid."""


class FeatureNotFoundError(GffbaseError, KeyError):
    """No feature has the requested ID: ``feature_id``; ``str()`` is the ID, as in gffutils."""

    def __init__(self, feature_id, message=None) -> None:
        super().__init__(message if message is not None else feature_id)
        self.feature_id = feature_id

    def __str__(self) -> str:  # KeyError would repr() it
        return str(self.feature_id)


class GffbaseIOError(GffbaseError, OSError):
    """A file could not be read or written."""


class DatabaseNotFoundError(GffbaseIOError, FileNotFoundError, ValueError):
    """FeatureDB(path) of a path with no file (gffutils raises ValueError there)."""


class InputNotFoundError(GffbaseIOError, FileNotFoundError, ValueError):
    """create_db(path) of an annotation path with no file (gffutils raises ValueError there)."""


class CorruptDatabaseError(GffbaseError, OSError):
    """A .gffdb file is truncated, damaged, or not a gffbase database."""


# gffutils spells some of these differently; keep its names importable.
DuplicateIDError = InvalidInputError
EmptyInputError = InvalidInputError

__all__ = [
    "GffbaseError",
    "InvalidInputError",
    "InvalidArgumentError",
    "FeatureNotFoundError",
    "GffbaseIOError",
    "DatabaseNotFoundError",
    "InputNotFoundError",
    "CorruptDatabaseError",
    "DuplicateIDError",
    "EmptyInputError",
]
