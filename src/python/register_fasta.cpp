// gffbase._core.FastaReader: indexed FASTA files and a .gffdb's ##FASTA
// section, for sequences_batched and the Python helpers.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/string_view.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "gffbase/io/fasta.hpp"
#include "gffbase/query/sequences.hpp"
#include "gffbase/query/translation.hpp"

namespace gffbase::python {

void register_fasta(nb::module_& m) {
  nb::class_<FastaReader>(m, "FastaReader")
      .def_static(
          "open",
          [](const std::string& path, int threads) {
            nb::gil_scoped_release release;
            return FastaReader::open(path, threads).value_or_throw();
          },
          nb::arg("path"), nb::arg("threads") = 0)
      .def_static(
          "of_database", [](PyDatabase& p) { return database_fasta(p.shared()).value_or_throw(); }, nb::arg("db"))
      .def_prop_ro("name", &FastaReader::name)
      .def("names",
           [](const FastaReader& f) {
             std::vector<std::string> out;
             for (const auto& s : f.sequences()) out.push_back(s.name);
             return out;
           })
      .def("length",
           [](const FastaReader& f, std::string_view name) -> std::uint64_t {
             const FastaSequence* s = f.find(name);
             if (s == nullptr) throw Error(ErrorKind::kNotFound, f.name() + ": no sequence named '" + std::string(name) + "'");
             return s->length;
           })
      .def("__contains__", [](const FastaReader& f, std::string_view name) { return f.find(name) != nullptr; })
      .def("__len__", [](const FastaReader& f) { return f.sequences().size(); })
      .def(
          "fetch",
          [](const FastaReader& f, std::string_view name, std::int64_t start, std::int64_t end) {
            return f.fetch(name, start, end).value_or_throw();
          },
          nb::arg("name"), nb::arg("start"), nb::arg("end"));
  m.def(
      "genetic_code_name",
      [](int id) -> std::optional<std::string> {
        const GeneticCode* c = GeneticCode::ncbi(id);
        return c ? std::optional<std::string>(std::string(c->name())) : std::nullopt;
      },
      nb::arg("id"));
  m.def("genetic_code_ids", [] { return std::string(GeneticCode::known_ids()); });
  m.def(
      "translate",
      [](std::string_view cds, int genetic_code, int phase, bool complete_start, bool drop_final_stop) {
        const GeneticCode* c = GeneticCode::ncbi(genetic_code);
        if (c == nullptr) {
          throw Error(ErrorKind::kInvalidArgument, "genetic_code: expected an NCBI genetic code (" +
                                                       std::string(GeneticCode::known_ids()) + "), found " +
                                                       std::to_string(genetic_code));
        }
        if (phase < 0 || phase > 2) {
          throw Error(ErrorKind::kInvalidArgument, "phase: expected 0, 1 or 2, found " + std::to_string(phase));
        }
        TranslateOptions options;
        options.phase = phase;
        options.complete_start = complete_start;
        options.drop_final_stop = drop_final_stop;
        return translate(cds, *c, options);
      },
      nb::arg("cds"), nb::arg("genetic_code") = 1, nb::arg("phase") = 0, nb::arg("complete_start") = true,
      nb::arg("drop_final_stop") = true);
}

}  // namespace gffbase::python
