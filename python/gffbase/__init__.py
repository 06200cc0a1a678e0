"""gffbase — a genome-annotation database engine.

GFF3/GTF in, an immutable memory-mapped ``.gffdb`` out, microsecond queries,
batched results as Arrow, and the gffutils API so that
``import gffbase as gffutils`` runs existing code unchanged.

    >>> import gffbase
    >>> db = gffbase.create_db(gffbase.example_filename("example.gff3"), ":memory:")
    >>> [f.id for f in db.children("tx1", featuretype="exon")]
    ['tx1.e1', 'tx1.e2', 'tx1.e3']
"""

from ._core import __version__
from .attributes import Attributes
from .create import create_db
from .derived import merge_attributes
from .errors import (
    CorruptDatabaseError,
    DatabaseNotFoundError,
    DuplicateIDError,
    FeatureNotFoundError,
    GffbaseError,
    GffbaseIOError,
    InputNotFoundError,
    InvalidArgumentError,
    InvalidInputError,
)
from .feature import Feature, feature_from_line
from .helpers import GFFWriter, example_filename, synthetic_annotation
from .interface import FeatureDB
from .iterators import DataIterator
from .lakehouse import Lakehouse
from .scaleout import RegionJoin, region_join_parquet

# Submodules gffutils code reaches as attributes (gffutils.merge_criteria.seqid, ...).
from . import bins, constants, exceptions, gffwriter, merge_criteria, version  # noqa: E402,F401  (after the names above)

__all__ = [
    "__version__",
    "Attributes",
    "CorruptDatabaseError",
    "DataIterator",
    "DatabaseNotFoundError",
    "DuplicateIDError",
    "Feature",
    "FeatureDB",
    "FeatureNotFoundError",
    "GFFWriter",
    "GffbaseError",
    "GffbaseIOError",
    "InputNotFoundError",
    "InvalidArgumentError",
    "InvalidInputError",
    "Lakehouse",
    "RegionJoin",
    "create_db",
    "example_filename",
    "feature_from_line",
    "merge_attributes",
    "region_join_parquet",
    "synthetic_annotation",
]
