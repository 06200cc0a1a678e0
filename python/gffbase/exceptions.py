"""gffutils' exception names (``gffutils.exceptions``), as gffbase's own classes.

``except gffutils.exceptions.FeatureNotFoundError`` keeps working after
``import gffbase as gffutils``; every class here is also a GffbaseError.
"""

from .errors import DuplicateIDError, EmptyInputError, FeatureNotFoundError, InvalidInputError

AttributeStringError = InvalidInputError

__all__ = ["AttributeStringError", "DuplicateIDError", "EmptyInputError", "FeatureNotFoundError"]
