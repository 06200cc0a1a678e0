// Feature objects built in C++: rows -> gffbase.feature.Feature without a
// Python frame per row, and without reading the row's line: column 9 stays
// in the file until Feature._raw asks for it.
//
// Why: `Feature._from_row(tuple)` cost ~1 µs per feature (a tuple of 13
// values, then 20 slot assignments through the attribute protocol) — more
// than the query itself.  Here an instance is allocated with the class's
// tp_alloc and each __slots__ value is stored at the offset its member
// descriptor records, which is exactly what `obj.slot = value` ends up doing
// (PyMember_SetOne, T_OBJECT_EX) minus the lookups.
//
// Safety: the class is registered once by gffbase.feature
// (`_core.set_feature_class`), and every slot written here must be a
// writable T_OBJECT_EX member descriptor of that class, or registration
// raises (importing gffbase fails loudly rather than writing at a wrong
// offset).  Objects stay valid for the GC: tp_alloc zero-fills the slots and
// tracks the object; no Python code runs until every slot is filled.
#include "bindings.hpp"  // Python.h first: structmember.h needs it

#include <structmember.h>

#include <cmath>
#include <string>

#include "gffbase/build/feature_table.hpp"

namespace gffbase::python {

namespace {

// Slot order of FeatureFactory::offsets_.
enum Slot : int {
  kSeqid, kSource, kFeaturetype, kStart, kEnd, kScore, kStrand, kFrame, kRawText, kSourceDb, kId,
  kFileOrder, kRow, kExtra, kBin, kDialect, kKeepOrder, kSortValues, kGff3, kAttributes, kPristine, kSlotCount
};
constexpr const char* kSlotNames[kSlotCount] = {
    "seqid", "source", "featuretype", "start", "end", "score", "strand", "frame", "_raw_text", "_source", "id",
    "file_order", "_row", "_extra", "_bin", "dialect", "keep_order", "sort_attribute_values", "_gff3",
    "_attributes", "_pristine"};

struct FeatureFactory {
  nb::object cls;          // gffbase.feature.Feature
  nb::object score_text;   // feature._score_text, for a score known only as a number
  Py_ssize_t offsets[kSlotCount] = {};
};

FeatureFactory& factory() {
  static FeatureFactory* f = new FeatureFactory();  // leaked: outlives interpreter teardown order
  return *f;
}

void set_feature_class(nb::handle cls, nb::handle score_text) {
  if (!PyType_Check(cls.ptr())) throw nb::type_error("set_feature_class: expected a class");
  FeatureFactory next;
  for (int k = 0; k < kSlotCount; ++k) {
    nb::object d = nb::steal(PyObject_GetAttrString(cls.ptr(), kSlotNames[k]));
    if (!d.is_valid()) PyErr_Clear();
    if (!d.is_valid() || !Py_IS_TYPE(d.ptr(), &PyMemberDescr_Type)) {
      throw nb::type_error(("set_feature_class: '" + std::string(kSlotNames[k]) + "' is not a slot").c_str());
    }
    const PyMemberDef* m = reinterpret_cast<PyMemberDescrObject*>(d.ptr())->d_member;
    if (m->type != T_OBJECT_EX || (m->flags & READONLY)) {
      throw nb::type_error(("set_feature_class: slot '" + std::string(kSlotNames[k]) + "' is not writable").c_str());
    }
    next.offsets[k] = m->offset;
  }
  next.cls = nb::borrow(cls);
  next.score_text = nb::borrow(score_text);
  factory() = std::move(next);
}

// Stores a new reference in a slot that tp_alloc left NULL.
inline void put(PyObject* obj, Py_ssize_t offset, PyObject* value) {
  *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(obj) + offset) = value;
}

}  // namespace

bool feature_factory_ready() { return factory().cls.is_valid(); }

nb::object make_feature(PyDatabase& p, nb::handle source, RowId r, nb::handle dialect, bool gff3) {
  const FeatureFactory& f = factory();
  const Database& db = p.db();
  if (r >= db.row_count()) throw nb::index_error("row out of range");
  // No text is read: column 9 is fetched when first used (Feature._raw, via
  // `_source`), and a '.' score is known from the row's flags.  Queries
  // then touch only the column sections.
  const RowView v = db.row_columns(r);
  const bool coords = !(v.flags & kRowNoCoords);
  // Every value is built before the object exists, so a failure leaks nothing.
  nb::object score;
  if (std::string_view text = db.row_score_text(r); !text.empty()) {
    score = nb::str(text.data(), text.size());
  } else if (std::isnan(v.score)) {
    score = nb::str(".");
  } else {
    score = f.score_text(nb::float_(v.score));
  }
  const char frame = v.phase < 0 ? '.' : static_cast<char>('0' + v.phase);
  nb::object values[kSlotCount] = {
      p.seqid_str(db.row_seqid_code(r)),
      p.source_str(db.row_source_code(r)),
      p.type_str(db.row_type_code(r)),
      coords ? nb::object(nb::int_(v.start)) : nb::none(),
      coords ? nb::object(nb::int_(v.end)) : nb::none(),
      std::move(score),
      nb::str(&v.strand, 1),
      nb::str(&frame, 1),
      nb::none(),
      nb::borrow(source),
      nb::str(v.id.data(), v.id.size()),
      nb::int_(v.file_order),
      nb::int_(r),
      nb::none(),  // _extra: the `extra` list is made on first use
      nb::none(),
      nb::borrow(dialect),
      nb::bool_(false),
      nb::bool_(false),
      nb::bool_(gff3),
      nb::none(),
      nb::none(),
  };
  auto* type = reinterpret_cast<PyTypeObject*>(f.cls.ptr());
  PyObject* obj = type->tp_alloc(type, 0);
  if (!obj) throw nb::python_error();
  for (int k = 0; k < kSlotCount; ++k) put(obj, f.offsets[k], values[k].release().ptr());
  return nb::steal(obj);
}

nb::list make_features(PyDatabase& p, const std::vector<RowId>& rows, nb::handle dialect, bool gff3) {
  if (!feature_factory_ready()) throw nb::type_error("the Feature class is not registered (set_feature_class)");
  nb::object source = nb::find(&p);  // the Python Database object: lazy column 9 reads through it
  if (!source.is_valid()) throw nb::type_error("make_features: the database has no Python object");
  nb::list out;
  for (RowId r : rows) out.append(make_feature(p, source, r, dialect, gff3));
  return out;
}

void register_feature_factory(nb::module_& m) {
  m.def("set_feature_class", &set_feature_class, nb::arg("cls"), nb::arg("score_text"),
        "Registers gffbase.feature.Feature so that queries build its instances in C++.");
}

}  // namespace gffbase::python
