"""Settings gffutils code reads from ``gffutils.constants``.

``always_return_list``: ``feature["key"]`` gives the list of values (True, the
default) or, when False, a single value bare (``"g1"`` rather than
``["g1"]``); lists of other lengths stay lists.  Set it at run time, as in
gffutils.

``dialect``: gffutils' default GFF3 dialect, for code that passes it on
(``Feature(..., dialect=gffutils.constants.dialect)``); a ``Feature`` given
no dialect writes GFF3 this way too.
"""

always_return_list = True

dialect = {
    "leading semicolon": False,
    "trailing semicolon": False,
    "quoted GFF2 values": False,
    "field separator": ";",
    "keyval separator": "=",
    "multival separator": ",",
    "fmt": "gff3",
    "repeated keys": False,
    "order": ["ID", "Name", "gene_id", "transcript_id"],
}
