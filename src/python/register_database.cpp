// Database: opening, row access, lookups, hierarchy and region queries.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cmath>
#include <deque>

#include "bindings.hpp"
#include "gffbase/build/feature_table.hpp"
#include "gffbase/export/writers.hpp"
#include "gffbase/parse/attributes.hpp"
#include "gffbase/query/bare_id.hpp"

namespace gffbase::python {

PyDatabase::PyDatabase(std::shared_ptr<const Database> db) : db_(std::move(db)) {
  seqids_.resize(db_->seqid_count());
  types_.resize(db_->type_count());
  sources_.resize(db_->source_count());
  gff3_ = db_->gff3_attributes();
}

namespace {
template <typename Name>
nb::object cached_str(const Database& db, std::vector<nb::object>& cache, std::uint32_t code, Name name) {
  // A code beyond the dictionary means a crafted file (checksums cover the
  // bytes, not their meaning; verify() checks codes): refuse, never index.
  if (code >= cache.size()) {
    std::string message = db.path();  // built piecewise: GCC 12 misfires -Wrestrict on a + chain here
    message += ": corrupt database: dictionary code ";
    message += std::to_string(code);
    message += " out of range";
    raise_error(Error(ErrorKind::kCorrupt, std::move(message)));
  }
  nb::object& o = cache[code];
  if (!o.is_valid()) {
    const std::string_view text = name(code);
    o = nb::str(text.data(), text.size());
  }
  return o;
}

std::vector<std::uint32_t> codes_for(const Database& db, const std::optional<std::vector<std::string>>& types,
                                     bool& filter) {
  filter = types.has_value();
  return types ? db.type_codes(*types) : std::vector<std::uint32_t>{};
}

nb::tuple row_tuple(PyDatabase& p, RowId r) {
  const Database& db = p.db();
  if (r >= db.row_count()) throw nb::index_error("row out of range");
  const RowView v = db.row(r);
  const bool coords = !(v.flags & kRowNoCoords);
  nb::object start = coords ? nb::object(nb::int_(v.start)) : nb::none();
  nb::object end = coords ? nb::object(nb::int_(v.end)) : nb::none();
  // The score as written in the input ("1.50" stays "1.50"), else from the number.
  nb::object score;
  if (std::string_view text = db.row_score_text(r); !text.empty()) {
    score = nb::str(text.data(), text.size());
  } else {
    score = std::isnan(v.score) ? nb::none() : nb::object(nb::float_(v.score));
  }
  const char frame = v.phase < 0 ? '.' : static_cast<char>('0' + v.phase);
  return nb::make_tuple(p.seqid_str(db.row_seqid_code(r)), p.source_str(db.row_source_code(r)),
                        p.type_str(db.row_type_code(r)), start, end, score, nb::str(&v.strand, 1),
                        nb::str(&frame, 1), nb::str(v.attributes.data(), v.attributes.size()),
                        nb::str(v.id.data(), v.id.size()), v.file_order, v.flags, r);
}

std::vector<RowId> as_rows(const std::vector<RelatedRow>& rel, std::vector<std::uint32_t>* depths) {
  std::vector<RowId> out;
  out.reserve(rel.size());
  for (auto& x : rel) {
    out.push_back(x.row);
    if (depths) depths->push_back(x.depth);
  }
  return out;
}
// children() / parents(): (rows, depths), walked with the GIL released.
std::pair<std::vector<RowId>, std::vector<std::uint32_t>> related(PyDatabase& p, FeatureIndex f,
                                                                  std::optional<std::uint32_t> level,
                                                                  const std::optional<std::vector<std::string>>& types,
                                                                  bool down, bool with_depths = true) {
  if (f >= p.db().feature_count()) throw nb::index_error("feature out of range");
  HierarchyQuery q;
  q.level = level;
  q.type_codes = codes_for(p.db(), types, q.type_filter);
  std::vector<std::uint32_t> depths;
  std::vector<RowId> rows;
  {
    nb::gil_scoped_release release;
    rows = as_rows(down ? p.db().children(f, q) : p.db().parents(f, q), with_depths ? &depths : nullptr);
  }
  return {std::move(rows), std::move(depths)};
}

// The rows of a region query; strand '.' selects unstranded features (gffutils).
std::vector<RowId> region_rows(PyDatabase& p, std::string_view seqid, Coord start, Coord end,
                               const std::optional<std::string>& strand,
                               const std::optional<std::vector<std::string>>& types, bool within) {
  RegionQuery q;
  q.seqid = seqid;
  q.start = start;
  q.end = end;
  q.completely_within = within;
  if (strand && !strand->empty()) q.strand = (*strand)[0];
  q.type_codes = codes_for(p.db(), types, q.type_filter);
  Result<std::vector<RowId>> r = p.db().region(q);
  if (!r.is_ok()) raise_error(Error(r.status()));
  return std::move(r).value();
}

}  // namespace

nb::object PyDatabase::seqid_str(std::uint32_t c) {
  return cached_str(*db_, seqids_, c, [this](std::uint32_t k) { return db_->seqid_name(k); });
}
nb::object PyDatabase::type_str(std::uint32_t c) {
  return cached_str(*db_, types_, c, [this](std::uint32_t k) { return db_->type_name(k); });
}
nb::object PyDatabase::source_str(std::uint32_t c) {
  return cached_str(*db_, sources_, c, [this](std::uint32_t k) { return db_->source_name(k); });
}

void register_database(nb::module_& m) {
  nb::class_<PyDatabase>(m, "Database")
      .def_static(
          "open",
          [](const std::string& path) {
            Result<std::shared_ptr<const Database>> db = [&] {
              nb::gil_scoped_release release;
              return Database::open(path);
            }();
            if (!db.is_ok()) raise_error(Error(db.status()));
            return new PyDatabase(*db);
          },
          nb::arg("path"), "Open a .gffdb (mmap, read-only).")
      .def_prop_ro("path", [](PyDatabase& p) { return p.db().path(); })
      .def_prop_ro("file_bytes", [](PyDatabase& p) { return p.db().file_bytes(); })
      .def_prop_ro("row_count", [](PyDatabase& p) { return p.db().row_count(); })
      .def_prop_ro("feature_count", [](PyDatabase& p) { return p.db().feature_count(); })
      .def_prop_ro("is_gff3", [](PyDatabase& p) { return p.gff3(); })
      .def("seqids",
           [](PyDatabase& p) {
             nb::list out;
             for (std::uint32_t s = 0; s < p.db().seqid_count(); ++s) out.append(p.seqid_str(s));
             return out;
           })
      .def("featuretypes",
           [](PyDatabase& p) {
             nb::list out;
             for (std::uint32_t t = 0; t < p.db().type_count(); ++t) out.append(p.type_str(t));
             return out;
           })
      .def("type_counts",
           [](PyDatabase& p) {
             nb::dict out;
             for (std::uint32_t t = 0; t < p.db().type_count(); ++t) out[p.type_str(t)] = p.db().rows_of_type(t).size();
             return out;
           })
      .def("seqid_span",
           [](PyDatabase& p, std::string_view seqid) -> std::optional<std::pair<Coord, Coord>> {
             auto s = p.db().seqid_code(seqid);
             if (!s) return std::nullopt;
             auto [b, e] = p.db().seqid_rows(*s);
             if (b == e) return std::nullopt;
             Coord lo = INT64_MAX, hi = 0;
             auto st = p.db().starts();
             auto en = p.db().ends();
             for (RowId r = b; r < e; ++r) {
               lo = std::min(lo, st[r]);
               hi = std::max(hi, en[r]);
             }
             return std::make_pair(lo, hi);
           })
      .def("find", [](PyDatabase& p, std::string_view id) { return p.db().find(id); })
      .def("feature_id", [](PyDatabase& p, FeatureIndex f) {
        if (f >= p.db().feature_count()) throw nb::index_error("feature out of range");
        return std::string(p.db().feature_id(f));
      })
      .def("feature_rows",
           [](PyDatabase& p, FeatureIndex f) {
             if (f >= p.db().feature_count()) throw nb::index_error("feature out of range");
             auto s = p.db().feature_rows(f);
             return std::vector<std::uint32_t>(s.begin(), s.end());
           })
      .def("row_feature", [](PyDatabase& p, RowId r) {
        if (r >= p.db().row_count()) throw nb::index_error("row out of range");
        return p.db().row_feature(r);
      })
      .def("row", [](PyDatabase& p, RowId r) { return row_tuple(p, r); })
      .def("row_attributes",
           [](PyDatabase& p, RowId r) {
             if (r >= p.db().row_count()) throw nb::index_error("row out of range");
             const std::string_view a = p.db().row_attributes(r);
             return nb::str(a.data(), a.size());
           })
      .def("rows",
           [](PyDatabase& p, const std::vector<RowId>& rows) {
             nb::list out;
             for (RowId r : rows) out.append(row_tuple(p, r));
             return out;
           })
      .def("features",
           [](PyDatabase& p, const std::vector<RowId>& rows, nb::handle dialect, bool gff3) {
             return make_features(p, rows, dialect, gff3);
           },
           nb::arg("rows"), nb::arg("dialect"), nb::arg("gff3"))
      .def("children", [](PyDatabase& p, FeatureIndex f, std::optional<std::uint32_t> level,
                          std::optional<std::vector<std::string>> types) { return related(p, f, level, types, true); },
           nb::arg("feature"), nb::arg("level") = nb::none(), nb::arg("types") = nb::none())
      .def(
          "related_features",
          [](PyDatabase& p, std::string_view id, bool down, std::optional<std::uint32_t> level,
             std::optional<std::vector<std::string>> types, nb::handle dialect, bool gff3) -> nb::object {
            // FeatureDB.children()/parents() in one crossing: the ID lookup,
            // the walk and the Features, with no list of row numbers between
            // them (~2 us of a ~20 us children() call on a mouse gene).
            const std::optional<FeatureIndex> f = p.db().find(id);
            if (!f) return nb::none();
            return make_features(p, related(p, *f, level, types, down, false).first, dialect, gff3);
          },
          nb::arg("id"), nb::arg("down"), nb::arg("level"), nb::arg("types"), nb::arg("dialect"), nb::arg("gff3"),
          "Features related to the feature with ID `id` (None when there is none), in row order.")
      .def("parents", [](PyDatabase& p, FeatureIndex f, std::optional<std::uint32_t> level,
                         std::optional<std::vector<std::string>> types) { return related(p, f, level, types, false); },
           nb::arg("feature"), nb::arg("level") = nb::none(), nb::arg("types") = nb::none())
      .def(
          "region",
          [](PyDatabase& p, std::string_view seqid, Coord start, Coord end, std::optional<std::string> strand,
             std::optional<std::vector<std::string>> types, bool within) {
            return region_rows(p, seqid, start, end, strand, types, within);
          },
          nb::arg("seqid"), nb::arg("start"), nb::arg("end"), nb::arg("strand") = nb::none(),
          nb::arg("types") = nb::none(), nb::arg("within") = false)
      .def(
          "region_features",
          [](PyDatabase& p, std::string_view seqid, Coord start, Coord end, std::optional<std::string> strand,
             std::optional<std::vector<std::string>> types, bool within, nb::handle dialect, bool gff3) {
            // One call per single query: crossing into C++ costs more than the search.
            return make_features(p, region_rows(p, seqid, start, end, strand, types, within), dialect, gff3);
          },
          nb::arg("seqid"), nb::arg("start"), nb::arg("end"), nb::arg("strand"), nb::arg("types"),
          nb::arg("within"), nb::arg("dialect"), nb::arg("gff3"))
      .def("rows_of_type",
           [](PyDatabase& p, std::string_view type) {
             auto t = p.db().type_code(type);
             if (!t) return std::vector<std::uint32_t>{};
             auto s = p.db().rows_of_type(*t);
             return std::vector<std::uint32_t>(s.begin(), s.end());
           })
      .def("rows_in_file_order",
           [](PyDatabase& p) {
             auto s = p.db().rows_in_file_order();
             return std::vector<std::uint32_t>(s.begin(), s.end());
           })
      .def("rows_with_attribute",
           [](PyDatabase& p, std::string_view key, std::string_view value) {
             nb::gil_scoped_release release;
             return p.db().rows_with_attribute(key, value);
           })
      .def("rows_with_key",
           [](PyDatabase& p, std::string_view key) {
             nb::gil_scoped_release release;
             return p.db().rows_with_key(key);
           })
      .def("meta",
           [](PyDatabase& p) {
             nb::dict d;
             for (auto& [k, v] : p.db().meta()) d[nb::str(k.c_str())] = nb::str(v.c_str());
             return d;
           })
      .def("directives",
           [](PyDatabase& p) {
             std::vector<std::string> out;
             for (auto d : p.db().directives()) out.emplace_back(d);
             return out;
           })
      .def("directive_lines",
           [](PyDatabase& p) {
             const auto lines = p.db().directive_lines();
             return std::vector<std::uint64_t>(lines.begin(), lines.end());
           })
      .def("row_line",
           [](PyDatabase& p, RowId r) {
             if (r >= p.db().row_count()) throw nb::index_error("row out of range");
             return p.db().row(r).line;  // 0: an inferred feature (no input line)
           })
      .def("problems",
           [](PyDatabase& p) {
             nb::list out;
             for (auto& pr : p.db().problems()) {
               out.append(nb::make_tuple(pr.line, pr.error, std::string(pr.message)));
             }
             return out;
           })
      .def("fasta", [](PyDatabase& p) { return std::string(p.db().fasta()); })
      .def("verify",
           [](PyDatabase& p) {
             Status s;
             {
               nb::gil_scoped_release release;
               s = p.db().verify();
             }
             if (!s) raise_error(Error(s));
           })
      .def(
          "bare_id_attributes",
          [](PyDatabase& p, RowId r, bool gff3) {
            if (r >= p.db().row_count()) throw nb::index_error("row out of range");
            nb::list out;
            for (const auto& [key, value] : bare_id_attributes(p.db(), r, gff3)) {
              out.append(nb::make_tuple(nb::str(key.data(), key.size()), nb::str(value.data(), value.size())));
            }
            return out;
          },
          nb::arg("row"), nb::arg("gff3"),
          "[(key, value)] that a bare-ID column 9 (AUGUSTUS's \"g1\") stands for (gffbase/query/bare_id.hpp).")
      .def(
          "format_row",
          [](PyDatabase& p, RowId r, std::string_view fmt) {
            if (r >= p.db().row_count()) throw nb::index_error("row out of range");
            std::string out;
            if (fmt == "gff3") write_gff_line(p.db(), r, false, out);
            else if (fmt == "gtf") write_gff_line(p.db(), r, true, out);
            else if (fmt == "bed") write_bed6_line(p.db(), r, out);
            else if (fmt == "bed12") write_bed12_for_feature(p.db(), r, out);
            else if (fmt == "tsv") write_tsv_line(p.db(), r, out);
            else if (fmt == "jsonl") write_jsonl_line(p.db(), r, out);
            else throw nb::value_error("format must be gff3, gtf, bed, bed12, tsv or jsonl");
            if (!out.empty() && out.back() == '\n') out.pop_back();
            return out;
          },
          nb::arg("row"), nb::arg("format") = "gff3");

  m.def(
      "parse_attributes",
      [](std::string_view text, bool gff3) {
        std::vector<AttributeItem> items;
        std::deque<std::string> scratch;
        parse_attributes_gffutils(text, gff3, items, scratch);
        nb::list out;
        for (const auto& it : items) {
          out.append(nb::make_tuple(nb::str(it.key.data(), it.key.size()),
                                    it.has_value ? nb::object(nb::str(it.value.data(), it.value.size())) : nb::none()));
        }
        return out;
      },
      nb::arg("text"), nb::arg("gff3"),
      "Split a column-9 text into [(key, value-or-None)] (GFF3 percent-decoded; GTF unquoted), with gffutils' "
      "value lists: an empty value is None, a GFF3 list's empty slots are ''.");
  m.def("percent_encode", [](std::string_view s, bool in_list) { return percent_encode(s, in_list); },
        nb::arg("text"), nb::arg("in_list") = true);
}

}  // namespace gffbase::python
