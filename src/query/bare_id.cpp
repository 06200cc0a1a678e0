#include "gffbase/query/bare_id.hpp"

namespace gffbase {

bool is_bare_id(const Database& db, RowId row, std::span<const AttributeItem> items) {
  return items.size() == 1 && !items[0].has_value && items[0].key == db.feature_id(db.row_feature(row));
}

std::vector<std::pair<std::string_view, std::string_view>> bare_id_attributes(const Database& db, RowId row,
                                                                              bool gff3) {
  const FeatureIndex f = db.row_feature(row);
  const std::string_view id = db.feature_id(f);
  if (gff3) return {{"ID", id}};
  if (db.row(row).type == "gene") return {{"gene_id", id}};
  std::vector<std::pair<std::string_view, std::string_view>> out{{"transcript_id", id}};
  for (FeatureIndex g : db.parents_of(f)) {
    if (g != f && db.row(db.primary_row(g)).type == "gene") {
      out.emplace_back("gene_id", db.feature_id(g));
      break;
    }
  }
  return out;
}

}  // namespace gffbase
