// Batched queries and whole-table views, returned as Arrow C streams wrapped
// in PyCapsules named "arrow_array_stream" (the Arrow PyCapsule interface).
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstdlib>

#include "bindings.hpp"
#include "gffbase/arrow/batched.hpp"
#include "gffbase/query/sequences.hpp"

namespace gffbase::python {
namespace {

void release_capsule(PyObject* capsule) noexcept {
  auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule, "arrow_array_stream"));
  if (!stream) {
    PyErr_Clear();
    return;
  }
  if (stream->release) stream->release(stream);
  std::free(stream);
}

template <typename Fill>
nb::object stream_capsule(Fill&& fill) {
  auto* stream = static_cast<ArrowArrayStream*>(std::calloc(1, sizeof(ArrowArrayStream)));
  if (!stream) throw std::bad_alloc();
  try {
    nb::gil_scoped_release release;
    fill(stream);
  } catch (...) {
    std::free(stream);
    throw;
  }
  PyObject* cap = PyCapsule_New(stream, "arrow_array_stream", release_capsule);
  if (!cap) {
    if (stream->release) stream->release(stream);
    std::free(stream);
    throw nb::python_error();
  }
  return nb::steal(cap);
}

// Views into the IDs' own UTF-8 (no copy per ID); `held` (a tuple of the
// list) keeps the strings alive while the GIL is released, whatever happens
// to the list.  A non-str item is a TypeError (the Python layer then takes
// its general path, which accepts Features).
std::vector<std::string_view> anchor_views(nb::list anchor_list, nb::tuple& held) {
  held = nb::steal<nb::tuple>(PySequence_Tuple(anchor_list.ptr()));
  if (!held.is_valid()) throw nb::python_error();
  std::vector<std::string_view> anchors(nb::len(held));
  for (std::size_t i = 0; i < anchors.size(); ++i) {
    PyObject* item = PyTuple_GET_ITEM(held.ptr(), static_cast<Py_ssize_t>(i));
    Py_ssize_t len = 0;
    const char* s = PyUnicode_Check(item) ? PyUnicode_AsUTF8AndSize(item, &len) : nullptr;
    if (!s) {
      PyErr_Clear();
      throw nb::type_error(("anchors[" + std::to_string(i) + "]: expected a feature ID (str)").c_str());
    }
    anchors[i] = std::string_view(s, static_cast<std::size_t>(len));
  }
  return anchors;
}

std::vector<std::uint32_t> type_codes(const Database& db, const std::optional<std::vector<std::string>>& types,
                                      bool& filter) {
  filter = types.has_value();
  return types ? db.type_codes(*types) : std::vector<std::uint32_t>{};
}

}  // namespace

void register_arrow(nb::module_& m) {
  m.def(
      "hierarchy_batched",
      [](PyDatabase& p, nb::list anchor_list, std::optional<std::uint32_t> level,
         std::optional<std::vector<std::string>> types, bool children, int threads) {
        nb::tuple held;
        const std::vector<std::string_view> anchors = anchor_views(anchor_list, held);
        const Database& db = p.db();
        HierarchyQuery q;
        q.level = level;
        q.type_codes = type_codes(db, types, q.type_filter);
        return stream_capsule([&](ArrowArrayStream* out) {
          std::vector<FeatureIndex> idx(anchors.size());
          db.find_many(anchors, idx, threads);
          const HierarchyBatch batch = hierarchy_batched(db, idx, q, children, threads);
          export_hierarchy_arrow(db, anchors, batch, out, threads);
        });
      },
      nb::arg("db"), nb::arg("anchors"), nb::arg("level") = nb::none(), nb::arg("types") = nb::none(),
      nb::arg("children") = true, nb::arg("threads") = 0);
  m.def(
      "region_batched",
      [](PyDatabase& p, std::vector<std::string> seqids, std::vector<Coord> starts, std::vector<Coord> ends,
         std::optional<std::vector<std::string>> types, bool within, std::optional<std::string> strand, int threads,
         std::optional<std::string> strands) {
        const Database& db = p.db();
        RegionQuery filters;
        filters.completely_within = within;
        filters.type_codes = type_codes(db, types, filters.type_filter);
        if (strand && !strand->empty()) filters.strand = (*strand)[0];  // '.' selects unstranded features (gffutils)
        RegionBatchQuery qs{std::move(seqids), std::move(starts), std::move(ends), {}};
        if (strands) {  // one character a query; ' ' where the region names no strand
          qs.strands.reserve(strands->size());
          for (char c : *strands) qs.strands.push_back(c == ' ' ? Strand{0} : c);
        }
        Status failure;
        nb::object cap = stream_capsule([&](ArrowArrayStream* out) {
          Result<RegionBatch> r = region_batched(db, qs, filters, threads);
          if (!r.is_ok()) {
            failure = r.status();
            RegionBatch empty;
            export_region_arrow(db, qs, empty, out);
            return;
          }
          export_region_arrow(db, qs, *r, out, threads);
        });
        if (!failure) raise_error(Error(failure));
        return cap;
      },
      nb::arg("db"), nb::arg("seqids"), nb::arg("starts"), nb::arg("ends"), nb::arg("types") = nb::none(),
      nb::arg("within") = false, nb::arg("strand") = nb::none(), nb::arg("threads") = 0,
      nb::arg("strands") = nb::none());
  m.def(
      "region_batched_tuples",
      [](PyDatabase& p, nb::list regions, std::optional<std::vector<std::string>> types, bool within,
         std::optional<std::string> strand, int threads) {
        // A list of (seqid, start, end[, strand]) tuples, converted here
        // rather than by a Python loop: a million regions cost ~0.1 s
        // instead of ~1 s.  Anything else (None coordinates, a strand that
        // is not one character) is a TypeError: the Python layer's general
        // path then explains or handles it.
        const Database& db = p.db();
        RegionBatchQuery qs;
        const std::size_t n = nb::len(regions);
        qs.seqids.reserve(n);
        qs.starts.reserve(n);
        qs.ends.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
          PyObject* item = PyList_GET_ITEM(regions.ptr(), static_cast<Py_ssize_t>(i));
          if (!PyTuple_Check(item) || PyTuple_GET_SIZE(item) < 3 || PyTuple_GET_SIZE(item) > 4 ||
              PyBool_Check(PyTuple_GET_ITEM(item, 1)) || PyBool_Check(PyTuple_GET_ITEM(item, 2))) {
            // (a 5-tuple, or True as a coordinate: the general path refuses them by name)
            throw nb::type_error(("regions[" + std::to_string(i) + "]: expected a (seqid, start, end) tuple").c_str());
          }
          Py_ssize_t len = 0;
          const char* s = PyUnicode_Check(PyTuple_GET_ITEM(item, 0))
                              ? PyUnicode_AsUTF8AndSize(PyTuple_GET_ITEM(item, 0), &len)
                              : nullptr;
          const long long b = PyLong_AsLongLong(PyTuple_GET_ITEM(item, 1));
          const long long e = PyLong_AsLongLong(PyTuple_GET_ITEM(item, 2));
          if (!s || PyErr_Occurred()) {
            PyErr_Clear();
            throw nb::type_error(("regions[" + std::to_string(i) + "]: expected (str, int, int)").c_str());
          }
          qs.seqids.emplace_back(s, static_cast<std::size_t>(len));
          qs.starts.push_back(b);
          qs.ends.push_back(e);
          if (PyTuple_GET_SIZE(item) >= 4) {
            PyObject* st = PyTuple_GET_ITEM(item, 3);
            Py_ssize_t slen = 0;
            const char* sc = PyUnicode_Check(st) ? PyUnicode_AsUTF8AndSize(st, &slen) : nullptr;
            if (st != Py_None && (!sc || slen != 1)) {
              PyErr_Clear();
              throw nb::type_error(("regions[" + std::to_string(i) + "]: expected a one-character strand").c_str());
            }
            if (sc) {
              qs.strands.resize(n, Strand{0});
              qs.strands[i] = sc[0];
            }
          }
        }
        RegionQuery filters;
        filters.completely_within = within;
        filters.type_codes = type_codes(db, types, filters.type_filter);
        if (strand && !strand->empty()) filters.strand = (*strand)[0];  // '.' selects unstranded features (gffutils)
        Status failure;
        nb::object cap = stream_capsule([&](ArrowArrayStream* out) {
          Result<RegionBatch> r = region_batched(db, qs, filters, threads);
          if (!r.is_ok()) {
            failure = r.status();
            export_region_arrow(db, qs, RegionBatch{}, out);
            return;
          }
          export_region_arrow(db, qs, *r, out, threads);
        });
        if (!failure) raise_error(Error(failure));
        return cap;
      },
      nb::arg("db"), nb::arg("regions"), nb::arg("types") = nb::none(), nb::arg("within") = false,
      nb::arg("strand") = nb::none(), nb::arg("threads") = 0);
  m.def(
      "sequences_batched",
      [](PyDatabase& p, const FastaReader& fasta, nb::list anchor_list, std::vector<std::string> part_types,
         bool use_strand, bool skip_unavailable, bool translate, int genetic_code, int threads) {
        nb::tuple held;
        const std::vector<std::string_view> anchors = anchor_views(anchor_list, held);
        const Database& db = p.db();
        SequenceQuery q;
        q.part_types = std::move(part_types);
        q.use_strand = use_strand;
        q.skip_unavailable = skip_unavailable;
        q.translate = translate;
        q.genetic_code = genetic_code;
        Status failure;
        nb::object cap = stream_capsule([&](ArrowArrayStream* out) {
          std::vector<FeatureIndex> idx(anchors.size());
          db.find_many(anchors, idx, threads);
          failure = export_sequences_arrow(db, fasta, anchors, idx, q, out, threads);
        });
        if (!failure) raise_error(Error(failure));
        return cap;
      },
      nb::arg("db"), nb::arg("fasta"), nb::arg("anchors"), nb::arg("part_types"), nb::arg("use_strand") = true,
      nb::arg("skip_unavailable") = false, nb::arg("translate") = false, nb::arg("genetic_code") = 0,
      nb::arg("threads") = 0);
  m.def("features_table", [](PyDatabase& p) {
    return stream_capsule([&](ArrowArrayStream* out) { export_features_arrow(p.db(), out); });
  });
  m.def("relations_table", [](PyDatabase& p) {
    return stream_capsule([&](ArrowArrayStream* out) { export_relations_arrow(p.db(), out); });
  });
  m.def("attributes_table", [](PyDatabase& p) {
    return stream_capsule([&](ArrowArrayStream* out) { export_attributes_arrow(p.db(), out); });
  });
}

}  // namespace gffbase::python
