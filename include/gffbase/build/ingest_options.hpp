// gffbase — what a user can ask of an ingest.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gffbase/types.hpp"

namespace gffbase {

/// gffutils' id_spec: which attribute names the feature's ID.
///   keys:    tried in order for every feature type ("ID", or ["ID", "Name"])
///   by_type: per-featuretype keys, tried before `keys`
///            (GTF default: gene -> gene_id, transcript -> transcript_id)
///   by_line: IDs chosen by the caller for each line (gffutils' callable
///            id_spec, evaluated by the Python layer): element k is the ID of
///            the feature on input line k + 1.  When set it replaces `keys`
///            and `by_type`; an empty string means "no ID" and
///            "autoincrement:<name>" asks for the autoincrement ID "<name>_<n>".
/// Keys of the form ":seqid:" / ":source:" and callables are evaluated by the
/// Python layer into `by_line`; features with no matching key get gffutils'
/// autoincrement ID "<featuretype>_<n>".
struct IdSpec {
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, std::vector<std::string>>> by_type;
  std::vector<std::string> by_line;
  bool empty() const { return keys.empty() && by_type.empty() && by_line.empty(); }
};

struct IngestOptions {
  Format format = Format::kAuto;                    ///< kAuto: detect
  MergeStrategy merge_strategy = MergeStrategy::kError;
  bool strict = false;                              ///< stop at the first error
  int threads = 0;                                  ///< <= 0: all cores
  IdSpec id_spec;                                   ///< empty: format default
  std::string gtf_gene_key = "gene_id";
  std::string gtf_transcript_key = "transcript_id";
  /// GTF: the child type whose extents define inferred transcripts and genes
  /// (gffutils' gtf_subfeature); other children count only when a feature
  /// has none of this type.  Empty: every child.
  std::string gtf_subfeature = "exon";
  bool infer_genes = true;        ///< GTF: synthesise absent gene rows
  bool infer_transcripts = true;  ///< GTF: synthesise absent transcript rows
  int check_lines = 1000;         ///< lines examined by dialect detection
  bool force = false;             ///< replace an existing database
  /// An input without feature lines gives an empty database instead of an
  /// error (what deleting every feature of a database must leave).
  bool allow_empty = false;
  std::string source_name;        ///< provenance name (default: the input path)
  std::string options_text;       ///< recorded in provenance (set by clients)
  /// Called at each stage ("read", "parse", "assemble", "index", "write")
  /// with the fraction of the whole ingest done; may be empty.  Called on the
  /// ingesting thread only.
  std::function<void(const char* stage, double fraction)> progress;
};

}  // namespace gffbase
