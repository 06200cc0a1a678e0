// Chunk-local seqid/source/type codes -> the build's dictionaries, and
// chunk-local line numbers -> file lines: one pass over the records.
#include "draft.hpp"

namespace gffbase::internal {

void renumber_records(std::vector<ParsedChunk>& chunks, const std::vector<std::uint64_t>& line_base, Draft& draft) {
  std::vector<std::uint32_t> seqid, source, type;  // this chunk's code -> the build's
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    ParsedChunk& c = chunks[i];
    auto translate = [](const std::vector<std::string_view>& values, Dictionary& d, std::vector<std::uint32_t>& to) {
      to.resize(values.size());
      for (std::size_t k = 0; k < values.size(); ++k) to[k] = d.code(values[k]);
    };
    translate(c.seqid_values, draft.seqids, seqid);
    translate(c.source_values, draft.sources, source);
    translate(c.type_values, draft.types, type);
    const std::uint64_t base = line_base[i];
    for (RawRecord& r : c.records) {
      r.line += base;
      r.seqid_code = seqid[r.seqid_code];
      r.source_code = source[r.source_code];
      r.type_code = type[r.type_code];
    }
  }
}

}  // namespace gffbase::internal
