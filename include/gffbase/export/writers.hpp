// gffbase — formatting rows as GFF3, GTF, BED6, BED12, TSV and JSON lines.
//
// Contract
// --------
// Every function appends one line (with a trailing '\n') to `out`.
//   * GFF3/GTF in the database's own dialect reproduce the input columns;
//     column 9 is the input's raw text, so percent-encoding, quoting, key
//     order and repeated keys survive (parse -> write -> parse is the
//     identity).  Scores are written in shortest round-trip form.
//   * GFF3 <-> GTF conversion re-serialises column 9 from the parsed
//     attributes (GFF3 values percent-encoded; GTF values quoted).
//   * BED is 0-based, half-open: chromStart = start - 1.
//   * BED12 blocks come from `blocks` (1-based closed [start, end] pairs,
//     sorted); thick part from [thick_start, thick_end] (1-based closed;
//     thick_start > thick_end means none).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "gffbase/query/database.hpp"

namespace gffbase {

enum class OutputFormat { kGff3, kGtf, kBed, kBed12, kTsv, kJsonl };
bool parse_output_format(std::string_view text, OutputFormat& out);

/// Writes a score the way it is best read back: shortest round-trip decimal, or '.'.
void append_score(std::string& out, double score);

/// One GFF3 (or, with `as_gtf`, GTF) line.  In the input's own dialect it is
/// the input's line; converted, the hierarchy is carried over (gene_id and
/// transcript_id for GTF, ID and Parent for GFF3).  `link_synthetic` = false:
/// inferred parents are not named in Parent (they are not being written).
/// `gff2_to_gtf` (GTF asked for by name from a GFF2 database, whose own
/// dialect GTF output otherwise is): a line without gene_id is written with
/// gene_id "" and transcript_id "" first, GTF 2.2's feature in no gene.
void write_gff_line(const Database& db, RowId row, bool as_gtf, std::string& out, bool link_synthetic = true,
                    bool gff2_to_gtf = false);
void write_bed6_line(const Database& db, RowId row, std::string& out);
void write_bed12_line(const Database& db, RowId row, const std::vector<std::pair<Coord, Coord>>& blocks,
                      Coord thick_start, Coord thick_end, std::string& out);
void write_tsv_header(std::string& out);
void write_tsv_line(const Database& db, RowId row, std::string& out);
void write_jsonl_line(const Database& db, RowId row, std::string& out);

/// BED12 for a feature, on `row`'s seqid: blocks = its exon children, else
/// its CDS/UTR/codon children widened to its own ends, else its own lines;
/// thick part = span of CDS children (and start/stop codons), or of all its
/// lines for a CDS.  One line per call: a caller writing the rows of a
/// multi-line feature writes it for one of them.
void write_bed12_for_feature(const Database& db, RowId row, std::string& out);

/// JSON string escaping (RFC 8259), appended with quotes.
void append_json_string(std::string& out, std::string_view s);

}  // namespace gffbase
