// Internal: the effective id_spec and the attribute keys the parser keeps.
#pragma once

#include <string>
#include <vector>

#include "gffbase/build/ingest_options.hpp"

namespace gffbase::internal {

/// The id_spec in force: the caller's, or the format's default
/// (GFF3: ID; GTF/GFF2: gene -> gene key, transcript -> transcript key).
inline IdSpec resolve_id_spec(const IngestOptions& o, Format format) {
  if (!o.id_spec.empty()) return o.id_spec;
  IdSpec s;
  if (format == Format::kGff3) {
    s.keys = {"ID"};
  } else {
    s.by_type = {{"gene", {o.gtf_gene_key}}, {"transcript", {o.gtf_transcript_key}}};
  }
  return s;
}

/// Every attribute key whose values the assembler reads.
inline std::vector<std::string> keys_of_interest(const IngestOptions& o, Format format) {
  const IdSpec s = resolve_id_spec(o, format);
  std::vector<std::string> keys = s.keys;
  for (const auto& [type, ks] : s.by_type) keys.insert(keys.end(), ks.begin(), ks.end());
  if (format == Format::kGff3) {
    keys.push_back("Parent");
  } else {
    keys.push_back(o.gtf_gene_key);
    keys.push_back(o.gtf_transcript_key);
  }
  std::vector<std::string> unique;
  for (auto& k : keys) {
    bool seen = false;
    for (auto& u : unique) seen = seen || u == k;
    if (!seen) unique.push_back(k);
  }
  return unique;
}

}  // namespace gffbase::internal
