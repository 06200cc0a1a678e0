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
#include <cstring>
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

// Py_NewRef (Python >= 3.10), for the 3.9 this package also supports.
inline PyObject* new_ref(PyObject* o) {
  Py_INCREF(o);
  return o;
}

// A new reference to the one-character str `c` (ASCII): strand, frame and
// a '.' score.  CPython keeps these as singletons too, but reaching them
// through the UTF-8 decoder cost ~75 instructions a field.
PyObject* ascii_char(char c) {
  static PyObject** table = [] {
    auto** t = new PyObject*[128]();  // leaked with the interpreter's own singletons
    for (int k = 0; k < 128; ++k) {
      const char ch = static_cast<char>(k);
      t[k] = PyUnicode_FromStringAndSize(&ch, 1);
      if (!t[k]) PyErr_Clear();
    }
    return t;
  }();
  const auto k = static_cast<unsigned char>(c);
  if (k < 128 && table[k]) return new_ref(table[k]);
  return PyUnicode_FromStringAndSize(&c, 1);
}

// A new str from UTF-8 bytes; ASCII (every ID in practice) is copied into a
// compact ASCII string directly rather than run through the decoder (~280
// instructions for an 18-byte Ensembl ID).
PyObject* utf8_str(std::string_view s) {
  unsigned char any = 0;
  for (char ch : s) any |= static_cast<unsigned char>(ch);
  if (any >= 0x80) return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
  PyObject* o = PyUnicode_New(static_cast<Py_ssize_t>(s.size()), 127);
  if (o && !s.empty()) std::memcpy(PyUnicode_DATA(o), s.data(), s.size());
  return o;
}

// Owned references to a Feature's slot values until they move into it: a
// failure while building them releases the ones made so far.
struct SlotValues {
  PyObject* v[kSlotCount] = {};
  bool moved = false;
  ~SlotValues() {
    if (!moved) {
      for (PyObject* o : v) Py_XDECREF(o);
    }
  }
};

// One Feature from a row's stored columns.
PyObject* new_feature(const FeatureFactory& f, PyDatabase& p, PyObject* source, RowId r, const RowCodes& c,
                      PyObject* dialect, bool gff3) {
  const Database& db = p.db();
  const bool coords = !(c.flags & kRowNoCoords);
  if (c.feature >= db.feature_count()) {  // a crafted file: verify() checks this
    raise_error(Error(ErrorKind::kCorrupt, db.path() + ": corrupt database: row " + std::to_string(r) +
                                               " names no feature"));
  }
  // Every value is built before the object exists, so a failure leaks nothing.
  SlotValues s;
  PyObject** v = s.v;
  if (c.flags & kRowScoreDot) {
    v[kScore] = ascii_char('.');
  } else if (std::string_view text = db.row_column_text(r, 6); !text.empty()) {
    v[kScore] = utf8_str(text);
  } else if (std::isnan(c.score)) {
    v[kScore] = ascii_char('.');
  } else {
    v[kScore] = f.score_text(nb::float_(c.score)).release().ptr();
  }
  v[kSeqid] = p.seqid_str(c.seqid).release().ptr();
  v[kSource] = p.source_str(c.source).release().ptr();
  v[kFeaturetype] = p.type_str(c.type).release().ptr();
  v[kStart] = coords ? PyLong_FromLongLong(c.start) : new_ref(Py_None);
  v[kEnd] = coords ? PyLong_FromLongLong(c.end) : new_ref(Py_None);
  v[kStrand] = ascii_char(static_cast<char>(c.strand));
  v[kFrame] = ascii_char(c.phase < 0 ? '.' : static_cast<char>('0' + c.phase));
  v[kRawText] = new_ref(Py_None);
  v[kSourceDb] = new_ref(source);
  v[kId] = utf8_str(db.feature_id(c.feature));
  v[kFileOrder] = PyLong_FromUnsignedLongLong(c.file_order);
  v[kRow] = PyLong_FromUnsignedLongLong(r);
  v[kExtra] = new_ref(Py_None);  // the `extra` list is made on first use
  v[kBin] = new_ref(Py_None);
  v[kDialect] = new_ref(dialect);
  v[kKeepOrder] = new_ref(Py_False);
  v[kSortValues] = new_ref(Py_False);
  v[kGff3] = new_ref(gff3 ? Py_True : Py_False);
  v[kAttributes] = new_ref(Py_None);
  v[kPristine] = new_ref(Py_None);
  for (PyObject* o : s.v) {
    if (!o) throw nb::python_error();
  }
  auto* type = reinterpret_cast<PyTypeObject*>(f.cls.ptr());
  PyObject* obj = type->tp_alloc(type, 0);
  if (!obj) throw nb::python_error();
  for (int k = 0; k < kSlotCount; ++k) put(obj, f.offsets[k], v[k]);
  s.moved = true;
  // Untracked by the cyclic GC (as CPython untracks tuples and dicts that
  // hold only atomic values): every slot now holds a str, int, bool, None,
  // the shared dialect or the database, none of which can lead back to this
  // Feature.  Tracked, each Feature was traversed by every collection its
  // allocations triggered — ~20% of 500 fresh-process children() calls on
  // mouse that keep their results.  Feature re-tracks itself (`_core.track`)
  // when it first holds a container of its own (attributes, extra).
  PyObject_GC_UnTrack(obj);
  return obj;
}

}  // namespace

nb::list make_features(PyDatabase& p, std::span<const RowId> rows, nb::handle dialect, bool gff3) {
  const FeatureFactory& f = factory();
  if (!f.cls.is_valid()) throw nb::type_error("the Feature class is not registered (set_feature_class)");
  nb::object source = nb::find(&p);  // the Python Database object: lazy column 9 reads through it
  if (!source.is_valid()) throw nb::type_error("make_features: the database has no Python object");
  const Database& db = p.db();
  for (RowId r : rows) {
    if (r >= db.row_count()) throw nb::index_error("row out of range");
  }
  // No text is read: column 9 is fetched when first used (Feature._raw, via
  // `_source`), and a '.' score is known from the row's flags.  The columns
  // come in one call (checksum blocks checked once, not per value).
  std::vector<RowCodes> codes;
  db.row_codes(rows, codes);
  nb::list out = nb::steal<nb::list>(PyList_New(static_cast<Py_ssize_t>(rows.size())));
  if (!out.is_valid()) throw nb::python_error();
  // The list holds NULLs until filled; a failure part-way leaves a list that
  // list_dealloc frees safely (it skips NULL items).
  for (std::size_t k = 0; k < rows.size(); ++k) {
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(k),
                    new_feature(f, p, source.ptr(), rows[k], codes[k], dialect.ptr(), gff3));
  }
  return out;
}

void register_feature_factory(nb::module_& m) {
  m.def("set_feature_class", &set_feature_class, nb::arg("cls"), nb::arg("score_text"),
        "Registers gffbase.feature.Feature so that queries build its instances in C++.");
  m.def(
      "track",
      [](nb::handle obj) {
        if (PyObject_IS_GC(obj.ptr()) && !PyObject_GC_IsTracked(obj.ptr())) PyObject_GC_Track(obj.ptr());
      },
      nb::arg("obj"),
      "Hands a Feature built by a query back to the cyclic GC (it is built untracked: its slots hold only "
      "atomic values until it gets a container of its own).");
}

}  // namespace gffbase::python
