"""The attribute mapping of a feature (column 9), as gffutils has it.

``Attributes`` is a ``dict`` of ``key -> list of values``: multi-valued keys
(GFF3 ``a,b`` or repeated GTF keys) become lists; a bare key (``Complete;``)
maps to an empty list.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Optional, Tuple

from . import constants


class Attributes(dict):
    """A dict of attribute lists; assigning a string wraps it in a list.

    Reading a key (``a[k]``, ``a.get(k)``) gives the list, or, as in gffutils,
    its one value alone while ``gffbase.constants.always_return_list`` is
    False; iteration, ``items()`` and ``values()`` always give lists.
    """

    def __getitem__(self, key):
        values = dict.__getitem__(self, key)
        if not constants.always_return_list and len(values) == 1:
            return values[0]
        return values

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __setitem__(self, key: str, value) -> None:
        if isinstance(value, str):
            value = [value]
        elif not isinstance(value, list):
            value = list(value)
        super().__setitem__(key, value)

    def update(self, *args, **kwargs) -> None:  # keep the list invariant
        for k, v in dict(*args, **kwargs).items():
            self[k] = v

    def __str__(self) -> str:
        return "; ".join(f"{k}: {','.join(v)}" for k, v in self.items())


def from_pairs(pairs: Iterable[Tuple[str, Optional[str]]]) -> Attributes:
    """Builds Attributes from (key, value-or-None) pairs in input order."""
    out: Dict[str, List[str]] = Attributes()
    for key, value in pairs:
        values = dict.get(out, key)
        if values is None:
            values = []
            dict.__setitem__(out, key, values)
        if value is not None:
            values.append(value)
    return out  # type: ignore[return-value]
