// Shared declarations of the gffbase._core nanobind module (one register_*
// file per concept, as boost-histogram does).  The module converts and
// releases the GIL; every decision lives in the C++ library.
#pragma once

#include <nanobind/nanobind.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gffbase/query/database.hpp"

namespace gffbase::python {

namespace nb = nanobind;

/// A Database plus the Python strings of its dictionaries, created lazily so
/// that a seqid/type/source string is built once per database, not per row.
class PyDatabase {
 public:
  explicit PyDatabase(std::shared_ptr<const Database> db);
  const Database& db() const { return *db_; }
  std::shared_ptr<const Database> shared() const { return db_; }
  nb::object seqid_str(std::uint32_t code);
  nb::object type_str(std::uint32_t code);
  nb::object source_str(std::uint32_t code);
  bool gff3() const { return gff3_; }

 private:
  std::shared_ptr<const Database> db_;
  std::vector<nb::object> seqids_, types_, sources_;
  bool gff3_;
};

/// Features (gffbase.feature.Feature, registered by set_feature_class) for
/// `rows`, built in C++ (feature_factory.cpp).  `dialect` is shared by all.
nb::list make_features(PyDatabase& p, std::span<const RowId> rows, nb::handle dialect, bool gff3);

void register_errors(nb::module_& m);
void register_feature_factory(nb::module_& m);
void register_database(nb::module_& m);
void register_ingest(nb::module_& m);
void register_arrow(nb::module_& m);
void register_fasta(nb::module_& m);

/// Raises the gffbase.errors exception matching `e`'s kind.
[[noreturn]] void raise_error(const Error& e);

}  // namespace gffbase::python
