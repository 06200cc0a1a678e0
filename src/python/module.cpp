// gffbase._core — the private extension module.
#include "bindings.hpp"

#include "gffbase/store/format.hpp"
#include "gffbase/version.hpp"

namespace gffbase::python {

namespace {
// Python exception classes live in gffbase/errors.py so they can inherit from
// both GffbaseError and ValueError/OSError/KeyError; they are looked up here.
nb::object error_class(ErrorKind kind) {
  nb::module_ errors = nb::module_::import_("gffbase.errors");
  switch (kind) {
    case ErrorKind::kInvalidInput: return errors.attr("InvalidInputError");
    case ErrorKind::kInvalidArgument: return errors.attr("InvalidArgumentError");
    case ErrorKind::kNotFound: return errors.attr("FeatureNotFoundError");
    case ErrorKind::kIo: return errors.attr("GffbaseIOError");
    case ErrorKind::kCorrupt: return errors.attr("CorruptDatabaseError");
  }
  return errors.attr("GffbaseError");
}
}  // namespace

void raise_error(const Error& e) {
  nb::object cls = error_class(e.kind());
  PyErr_SetString(cls.ptr(), e.what());
  throw nb::python_error();
}

void register_errors(nb::module_&) {
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const Error& e) {
      nb::object cls = error_class(e.kind());
      PyErr_SetString(cls.ptr(), e.what());
    }
  });
}

}  // namespace gffbase::python

NB_MODULE(_core, m) {
  using namespace gffbase::python;
  m.doc() = "gffbase C++ core (private; use the gffbase package)";
  m.attr("__version__") = gffbase::kVersion;
  m.attr("DB_MAGIC") = nb::bytes(gffbase::store::kMagic, sizeof gffbase::store::kMagic);  // a .gffdb's first bytes
  register_errors(m);
  register_feature_factory(m);
  register_database(m);
  register_ingest(m);
  register_fasta(m);
  register_arrow(m);
}
