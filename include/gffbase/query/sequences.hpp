// gffbase — sequences of features from a FASTA: spliced transcripts, coding
// sequences, or any feature's own bases (what `gffread -w` / `-x` give).
//
// Contract
// --------
// * An anchor's *parts* are the segments of its direct children whose type
//   is one of `part_types` ("exon" by default; "CDS" gives the coding
//   sequence).  An anchor that is itself of a part type and has no such
//   children is its own part list: the segments of its lines (a CDS split
//   over several lines under one ID is spliced; part type "gene" gives a
//   gene's genomic span).  Any other anchor without parts (a non-coding
//   transcript asked for CDS, a gene asked for exons that hang below its
//   transcripts) has nothing to fetch.  Ask transcripts for spliced
//   sequences.
// * Parts are joined in coordinate order (start, then end), each line once;
//   parts that overlap (exons and CDS asked together) repeat the bases they
//   share.  On the minus
//   strand the joined bases are reverse-complemented when `use_strand`
//   (the anchor's strand decides), so the sequence reads 5' to 3'.
// * An anchor without parts, whose parts lie on another seqid than its own,
//   a seqid the FASTA lacks, a part past the end of its sequence, or a part without
//   coordinates cannot be fetched: that is an error naming the feature
//   (kNotFound / kInvalidArgument), or, with `skip_unavailable`, a null
//   sequence with the reason kept.
// * Coordinates reported are 1-based, closed: start of the first part, end
//   of the last.
// * With `translate`, the joined bases are read as a coding sequence and
//   the protein is returned instead (translation.hpp): the phase of the 5'
//   part (the last one on the minus strand) skips bases; the 5' end is
//   complete, so an alternative start codon reads as M, unless that part or
//   the anchor says otherwise (phase 1 or 2; NCBI `start_range` on the plus
//   strand, `end_range` on the minus strand; GENCODE/Ensembl tag
//   `cds_start_NF`).  The table is `genetic_code`, or when 0 the 5' part's or
//   the anchor's `transl_table` attribute (NCBI writes it on bacterial and
//   organelle CDS), else 1 (standard).  An unknown table cannot be fetched,
//   as above.  Parts are best asked as "CDS"; exons would translate UTRs.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gffbase/arrow/c_data.hpp"
#include "gffbase/io/fasta.hpp"
#include "gffbase/query/database.hpp"
#include "gffbase/query/translation.hpp"

namespace gffbase {

struct SequenceQuery {
  std::vector<std::string> part_types{"exon"};
  bool use_strand = true;
  bool skip_unavailable = false;  ///< null sequence instead of an error
  bool translate = false;         ///< the protein instead of the bases
  int genetic_code = 0;           ///< NCBI table; 0: transl_table attribute, else 1
};

/// One anchor's parts, ready to fetch.
struct SplicedParts {
  FeatureIndex feature = kNone;
  std::uint32_t seqid = 0;      ///< seqid code of the anchor
  Strand strand = '.';
  std::vector<RowId> rows;      ///< in coordinate order
  Coord start = 0, end = 0;     ///< first part's start, last part's end
  std::uint64_t length = 0;     ///< bases over all parts
};

/// The reader of `db`'s own ##FASTA section.  Its errors name the file the
/// database was ingested from and that file's line numbers.  kNotFound
/// (saying to pass a FASTA file) when the database has no such section.
Result<FastaReader> database_fasta(std::shared_ptr<const Database> db);

/// The parts of feature `f` (see the contract).
SplicedParts spliced_parts(const Database& db, FeatureIndex f, std::span<const std::uint32_t> part_type_codes);

/// Checks that `parts` can be fetched from `fasta`: the FASTA sequence of
/// its seqid, or a failed Status naming the feature and what is missing
/// (`part_types` only words the message for a feature without parts).
Result<const FastaSequence*> fasta_sequence_for(const Database& db, const FastaReader& fasta,
                                                const SplicedParts& parts, std::span<const std::string> part_types);

/// Writes the bases of `parts` (already checked by fasta_sequence_for) to
/// `dst` (parts.length bytes), reverse-complemented on '-' when use_strand.
/// Fails (kInvalidInput, naming the feature) when a byte fetched is not
/// ASCII: possible only in a file read through a .fai that is not its own.
Status write_spliced(const Database& db, const FastaReader& fasta, const FastaSequence& seq,
                     const SplicedParts& parts, bool use_strand, char* dst);

/// How `parts` read as a coding sequence (see the contract): the table, the
/// phase to skip, whether the 5' end is complete.  Fails (kInvalidArgument,
/// naming the feature) on a transl_table attribute or genetic_code that
/// names no NCBI table.
struct CodingFrame {
  const GeneticCode* code = nullptr;
  TranslateOptions options;
};
Result<CodingFrame> coding_frame(const Database& db, const SplicedParts& parts, const SequenceQuery& q);

/// The sequence of `parts` as the query asks: the bases (write_spliced), or
/// with q.translate their protein.  Replaces `out`.
Status fetch_sequence(const Database& db, const FastaReader& fasta, const FastaSequence& seq, const SplicedParts& parts,
                      const SequenceQuery& q, std::string& out);

/// One table row per known anchor, in input order (unknown anchors give no
/// row, as in the other batched queries):
///   anchor, seqid, start, end, strand, parts (int32), length (int64: the
///   bases joined, also with q.translate), sequence (large_utf8; the protein
///   with q.translate; null when unavailable and skip_unavailable),
///   problem (large_utf8; why the sequence is null, else null)
/// Fails on the first unavailable anchor unless skip_unavailable.
Status export_sequences_arrow(const Database& db, const FastaReader& fasta,
                              std::span<const std::string_view> anchor_names, std::span<const FeatureIndex> anchors,
                              const SequenceQuery& q, ArrowArrayStream* out, int threads = 0);

}  // namespace gffbase
