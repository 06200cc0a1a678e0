// IDs, duplicates, GTF inference, relations and cycle checks: the part of the
// build that must see the records in input order.
#include <algorithm>
#include <charconv>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "draft.hpp"
#include "../common/huge_pages.hpp"
#include "gffbase/hash.hpp"
#include "flat_id_map.hpp"
#include "id_spec_internal.hpp"

namespace gffbase::internal {
namespace {

using IdMap = FlatIdMap;

std::string quote(std::string_view v) {
  std::string q(1, '"');
  q += truncate_for_message(v, 120);
  q += '"';
  return q;
}

// Kept items name their key by its index in keys_of_interest (KeptItem).
using KeyId = std::uint16_t;
constexpr KeyId kNoKey = 0xFFFF;

std::string_view first_value(const ParsedChunk& c, const RawRecord& r, KeyId key) {
  for (std::uint32_t i = r.items_begin; i < r.items_begin + r.items_count; ++i) {
    const KeptItem& it = c.items[i];
    if (it.key == key && it.has_value && it.size != 0) return it.value();
  }
  return {};
}

class Assembler {
 public:
  Assembler(std::vector<ParsedChunk>& chunks, const Dialect& dialect, const IngestOptions& options,
            const std::string& path, Draft& draft, ProblemLog& log, IngestReport& report)
      : chunks_(chunks), gtf_(dialect.format != Format::kGff3), dialect_(dialect), o_(options), path_(path),
        d_(draft), log_(log), report_(report), spec_(resolve_id_spec(options, dialect.format)),
        default_spec_(options.id_spec.empty()) {
    // The parser kept items in the order of keys_of_interest (same options).
    const std::vector<std::string> keys = keys_of_interest(options, dialect.format);
    auto id = [&](std::string_view k) {
      for (std::size_t i = 0; i < keys.size() && i < kNoKey; ++i) {
        if (keys[i] == k) return static_cast<KeyId>(i);
      }
      return kNoKey;
    };
    for (const auto& k : spec_.keys) spec_key_ids_.push_back(id(k));
    for (const auto& [type, ks] : spec_.by_type) {
      std::vector<KeyId> v;
      for (const auto& k : ks) v.push_back(id(k));
      by_type_key_ids_.push_back(std::move(v));
    }
    parent_key_ = id("Parent");
    gene_key_ = id(options.gtf_gene_key);
    tx_key_ = id(options.gtf_transcript_key);
    // Types as the build's codes (kNone: no record has that type; synthesised
    // rows get theirs when made, and are never compared against these).
    for (const auto& [type, ks] : spec_.by_type) by_type_codes_.push_back(draft.types.find(type));
    gene_type_ = draft.types.find("gene");
    transcript_type_ = draft.types.find("transcript");
    mrna_type_ = draft.types.find("mRNA");
    subfeature_type_ = draft.types.find(options.gtf_subfeature);
  }

  Status run() {
    std::size_t total = 0;
    for (auto& c : chunks_) total += c.records.size();
    // Huge pages: these are read at random (by feature and by row), and at
    // GENCODE scale 4 KiB pages made most of those reads TLB misses too.
    reserve_huge(d_.rows, total + total / 8);
    reserve_huge(d_.feature_ids, total);
    reserve_huge(first_row_, total);
    reserve_huge(auto_number_, total);
    // One edge per record is the GTF shape (and most GFF3); more just grow.
    reserve_huge(d_.edges, total);
    GFFBASE_RETURN_IF_ERROR(assign_ids());
    if (gtf_) {
      link_gtf();
      if (dialect_.format == Format::kGtf) report_lacking_keys();  // GFF2 has no such keys to require
    } else {
      GFFBASE_RETURN_IF_ERROR(link_gff3());
    }
    dedupe_edges();
    GFFBASE_RETURN_IF_ERROR(check_cycles());
    materialise_auto_ids();
    return Status::ok();
  }

 private:
  // --- IDs -----------------------------------------------------------------
  // The feature's ID: by the ID spec, else (default spec only) a bare ID.
  std::string_view id_of(const ParsedChunk& c, const RawRecord& r) const {
    const std::string_view id = spec_id_of(c, r);
    return id.empty() ? bare_id(r) : id;
  }

  // AUGUSTUS (and BRAKER and TSEBRA, which pass its lines on) writes gene and
  // transcript lines whose column 9 is the bare ID: "g1", "g1.t1".  AGAT
  // reads it as the ID; gffutils as a key without a value, so those genes
  // and transcripts were orphans and their exons built a second, inferred
  // pair.  The first item of column 9 is a bare ID when it has no '=', no
  // quote, no blank and no '%' (nothing to decode), and only on gene,
  // transcript and (GFF3) mRNA lines: on other lines a bare value is GFF1's
  // group, shared by all the lines of one gene ("geneA" on its exons and
  // CDS) or naming a track (bedtools' "touch1"), not an ID.  A spec the
  // caller gave is taken as it is.
  std::string_view bare_id(const RawRecord& r) const {
    const bool named_type = r.type_code == gene_type_ || r.type_code == transcript_type_ ||
                            (!gtf_ && r.type_code == mrna_type_);
    if (!default_spec_ || !named_type || r.type_code == kNone) return {};
    std::string_view a = r.attributes();
    a = a.substr(0, a.find(';'));
    while (!a.empty() && (a.front() == ' ' || a.front() == '\t')) a.remove_prefix(1);
    while (!a.empty() && (a.back() == ' ' || a.back() == '\t')) a.remove_suffix(1);
    if (a.empty() || a == "." || a.find_first_of("=\"' \t%") != std::string_view::npos) return {};
    return a;
  }

  // GFF3 has no bare values: said for each line read that way (an error in
  // strict mode).  GTF defines no gene or transcript lines, and AUGUSTUS's
  // are its documented output, so they are read without a word.
  Status note_bare_id(const RawRecord& r, std::string_view id) {
    const Severity s = o_.strict ? Severity::kError : Severity::kWarning;
    Problem p = problem(s, "bare-id", r.line, "column 9", "key=value attributes", quote(id),
                        "read as ID=" + std::string(id) + ", as AUGUSTUS means it");
    p.text = truncate_for_message(r.attributes());
    log_.add(p);
    return o_.strict ? Status::invalid_input(p.format()) : Status::ok();
  }

  std::string_view spec_id_of(const ParsedChunk& c, const RawRecord& r) const {
    if (const auto& by_line = o_.id_spec.by_line; !by_line.empty()) {
      // The caller's strings, not spec_'s copy: feature IDs are views that
      // must outlive the assembler.
      const std::uint64_t k = r.line - 1;
      return k < by_line.size() ? std::string_view(by_line[k]) : std::string_view();
    }
    for (std::size_t t = 0; t < spec_.by_type.size(); ++t) {
      if (by_type_codes_[t] == r.type_code) {
        for (KeyId k : by_type_key_ids_[t]) {
          if (auto v = first_value(c, r, k); !v.empty()) return v;
        }
        return {};
      }
    }
    for (KeyId k : spec_key_ids_) {
      if (auto v = first_value(c, r, k); !v.empty()) return v;
    }
    return {};
  }

  std::uint32_t new_feature(std::string_view id, std::uint32_t row, std::uint32_t auto_number) {
    const auto f = static_cast<std::uint32_t>(d_.feature_ids.size());
    d_.feature_ids.push_back(id);
    first_row_.push_back(row);
    auto_number_.push_back(auto_number);
    return f;
  }

  // gffutils' autoincrement: "<featuretype>_<n>", counting per type from 1,
  // skipping names that an explicit ID in the file already uses.
  std::uint32_t next_auto_number(std::string_view type) { return next_auto_number(type, auto_counters_[type]); }

  // The same for the featuretype with code `type_code`, its counter found
  // by code (a string-keyed map lookup per ID-less line was a tenth of
  // assemble's instructions on a GTF).  Map values never move.
  std::uint32_t next_auto_number_of_type(std::uint32_t type_code) {
    if (type_code >= counter_of_type_.size()) counter_of_type_.resize(type_code + 1, nullptr);
    std::uint32_t*& counter = counter_of_type_[type_code];
    const std::string_view type = d_.types.values[type_code];
    if (counter == nullptr) counter = &auto_counters_[type];
    return next_auto_number(type, *counter);
  }

  std::uint32_t next_auto_number(std::string_view type, std::uint32_t& n) {
    for (;;) {
      ++n;
      if (explicit_auto_like_.empty()) return n;
      std::string name = std::string(type) + "_" + std::to_string(n);
      if (!explicit_auto_like_.count(name)) return n;
    }
  }

  void note_explicit_auto_like(std::string_view id) {
    // Remember explicit IDs shaped like an autoincrement name so generated
    // names never collide with them.
    const std::size_t us = id.rfind('_');
    if (us == std::string_view::npos || us + 1 >= id.size()) return;
    for (std::size_t i = us + 1; i < id.size(); ++i) {
      if (id[i] < '0' || id[i] > '9') return;
    }
    explicit_auto_like_.insert(std::string(id));
  }

  Problem problem(Severity s, std::string code, std::uint64_t line, std::string field, std::string expected,
                  std::string found, std::string hint) const {
    return Problem{.severity = s, .code = std::move(code), .path = path_, .line = line, .field = std::move(field),
                   .expected = std::move(expected), .found = std::move(found), .text = {}, .hint = std::move(hint)};
  }

  // GTF rows of type gene/transcript are found by their key values (not by
  // ID), so a transcript that shares its gene's ID (yeast: gene_id ==
  // transcript_id) and was renamed still receives its exons.
  void push_row(const DraftRow& dr) {
    d_.rows.push_back(dr);
    if (!pending_gtf_) return;
    const RawRecord& r = *pending_gtf_;
    if (r.type_code == gene_type_) {
      if (auto g = gtf_value(*pending_chunk_, r, gene_key_); !g.empty()) register_named(gene_ids_, g, dr.feature, r);
    } else if (r.type_code == transcript_type_) {
      if (auto t = gtf_value(*pending_chunk_, r, tx_key_); !t.empty()) register_named(tx_ids_, t, dr.feature, r);
      // Without a gene_id (AUGUSTUS), its gene is the one its lines name.
      if (first_value(*pending_chunk_, r, gene_key_).empty()) tx_without_gene_.insert(dr.feature);
    }
  }

  // The first gene (transcript) line of a name is found by the name; one on
  // another seqid (UCSC's ncbiRefSeq reuses transcript IDs on _alt and _fix
  // contigs, PAR genes sit on X and Y) by the name and its seqid, so that
  // each line's children are the ones on its own seqid.
  void register_named(IdMap& names, std::string_view name, std::uint32_t feature, const RawRecord& r) {
    auto [it, fresh] = names.try_emplace(name, feature);
    if (!fresh && seqid_of(it->second) != r.seqid_code) per_seqid_.try_emplace(seqid_key(name, r.seqid_code), feature);
  }

  std::uint32_t seqid_of(std::uint32_t feature) const { return d_.rows[first_row_[feature]].rec->seqid_code; }

  static std::string seqid_key(std::string_view name, std::uint32_t seqid) {
    std::string key(name);
    key += '\0';
    key.append(reinterpret_cast<const char*>(&seqid), sizeof seqid);
    return key;
  }

  // The gene or transcript called `name` for a line on `row`'s seqid, given
  // `found`, the first one of that name: itself when on that seqid, else one
  // on that seqid — a line of the file, or an inferred one made here (named
  // name_1, ...) when `found` was inferred too.  A line of the file on
  // another seqid is kept when this seqid has none.
  // `attrs()` makes the column 9 of an inferred one (called only then).
  template <typename MakeAttrs>
  std::uint32_t on_row_seqid(std::uint32_t found, std::string_view wanted, std::uint32_t row, const char* type,
                             MakeAttrs&& attrs, std::uint32_t gene) {
    const RawRecord& r = *d_.rows[row].rec;
    if (found == kNone || seqid_of(found) == r.seqid_code) return found;
    std::string key = seqid_key(wanted, r.seqid_code);
    if (auto it = per_seqid_.find(key); it != per_seqid_.end()) return it->second;
    if (!(d_.rows[first_row_[found]].flags & kRowSynthetic)) return found;
    const std::uint32_t own = synthesize(type, free_name(wanted), d_.rows[row], attrs());
    if (gene != kNone) d_.edges.emplace_back(own, gene);
    per_seqid_.emplace(std::move(key), own);
    if (warned_seqid_.insert(found).second) {
      const std::string& key_name = std::string_view(type) == "gene" ? o_.gtf_gene_key : o_.gtf_transcript_key;
      log_.add(problem(Severity::kWarning, "multi-seqid-parent", r.line, "attribute " + key_name,
                       "all lines of " + std::string(type) + " " + quote(wanted) + " on one seqid",
                       "lines on " + name(d_.seqids, seqid_of(found)) + " and " + name(d_.seqids, r.seqid_code),
                       "each seqid gets its own inferred " + std::string(type) + "; the one on " +
                           name(d_.seqids, r.seqid_code) + " is " + quote(d_.feature_ids[own])));
    }
    return own;
  }

  // A gene's gene_id or a transcript's transcript_id, else its bare ID.
  std::string_view gtf_value(const ParsedChunk& c, const RawRecord& r, KeyId key) const {
    const std::string_view v = first_value(c, r, key);
    return v.empty() ? bare_id(r) : v;
  }

  std::uint32_t lookup(const IdMap& typed, std::string_view key) const {
    if (auto it = typed.find(key); it != typed.end()) return it->second;
    return kNone;
  }

  // A name for a synthesised feature that no other feature uses.
  std::string_view free_name(std::string_view wanted) {
    if (!ids_.count(wanted)) return wanted;
    for (std::uint32_t k = ++unique_suffix_[wanted];; k = ++unique_suffix_[wanted]) {
      std::string fresh = std::string(wanted) + "_" + std::to_string(k);
      if (!ids_.count(fresh)) return d_.owned.emplace_back(std::move(fresh));
    }
  }

  // GFF3's ID takes one value; "ID=a,b" or "ID=a;ID=b" was read as "a" in
  // silence (and a Parent=b then named no feature).
  Status check_single_id(const ParsedChunk& c, const RawRecord& r, std::string_view id) {
    std::size_t n = 0;
    for (std::uint32_t i = r.items_begin; i < r.items_begin + r.items_count; ++i) {
      n += c.items[i].key == spec_key_ids_[0] && c.items[i].has_value;
    }
    if (n <= 1) return Status::ok();
    const Severity s = o_.strict ? Severity::kError : Severity::kWarning;
    Problem p = problem(s, "multiple-ids", r.line, "attribute ID", "one value",
                        std::to_string(n) + " values", "the first, " + quote(id) + ", is the feature's ID");
    p.text = truncate_for_message(r.attributes());
    log_.add(p);
    return o_.strict ? Status::invalid_input(p.format()) : Status::ok();
  }

  Status assign_ids() {
    // Explicit IDs first, so autoincrement names can avoid them.  Their
    // count sizes the ID table: reserving one slot pair per record instead
    // zeroed ~32 MB on the mouse GTF (~134 MB at GENCODE scale), where only
    // genes and transcripts carry IDs.
    std::size_t explicit_ids = 0;
    for (auto& c : chunks_) {
      for (const RawRecord& r : c.records) {
        const std::string_view by_spec = spec_id_of(c, r);
        const std::string_view id = by_spec.empty() ? bare_id(r) : by_spec;
        if (id.empty()) {
          if (!gtf_) report_empty_gff3_id(c, r);
          continue;
        }
        ++explicit_ids;
        if (by_spec.empty() && !gtf_) GFFBASE_RETURN_IF_ERROR(note_bare_id(r, id));
        if (!gtf_ && spec_key_ids_.size() == 1 && spec_.by_type.empty() && spec_.keys[0] == "ID") {
          GFFBASE_RETURN_IF_ERROR(check_single_id(c, r, id));
        }
        if (!(id.starts_with("autoincrement:") && !spec_.by_line.empty())) note_explicit_auto_like(id);
      }
    }
    ids_.reserve(explicit_ids);
    std::uint32_t record = 0;
    for (auto& c : chunks_) {
      for (std::size_t ri = 0; ri < c.records.size(); ++ri, ++record) {
        const RawRecord& r = c.records[ri];
        const auto row = static_cast<std::uint32_t>(d_.rows.size());
        DraftRow dr;
        dr.rec = &c.records[ri];
        dr.record = record;
        if (r.no_coords) dr.flags |= kRowNoCoords;
        const std::string_view id = id_of(c, r);
        pending_gtf_ = gtf_ ? &r : nullptr;
        pending_chunk_ = &c;
        if (id.empty()) {
          dr.feature = new_feature(d_.types.values[r.type_code], row, next_auto_number_of_type(r.type_code));
          push_row(dr);
          continue;
        }
        if (constexpr std::string_view kAuto = "autoincrement:"; !spec_.by_line.empty() && id.starts_with(kAuto)) {
          const std::string_view name = id.substr(kAuto.size());  // lives in spec_
          dr.feature = new_feature(name, row, next_auto_number(name));
          push_row(dr);
          continue;
        }
        auto [it, inserted] = ids_.try_emplace(id, static_cast<std::uint32_t>(d_.feature_ids.size()));
        if (inserted) {
          dr.feature = new_feature(id, row, 0);
          push_row(dr);
          continue;
        }
        const std::uint32_t existing = it->second;
        const RawRecord& first = *d_.rows[first_row_[existing]].rec;
        if (first.seqid_code == r.seqid_code && first.type_code == r.type_code) {
          // One ID over several lines of the same type and seqid: segments of
          // one discontinuous feature (GFF3 spec), not a duplicate.  On both
          // strands that is trans-splicing (a chloroplast rps12 CDS) or two
          // features named alike: kept, and said once per feature.
          const bool opposite = (first.strand == '+' && r.strand == '-') || (first.strand == '-' && r.strand == '+');
          if (opposite && warned_strands_.insert(existing).second) {
            Problem p = problem(Severity::kWarning, "multi-strand-segments", r.line, "column 7 (strand)",
                                "the strand of the other lines of \"" + std::string(id) + "\", " +
                                    std::string(1, first.strand) + " (line " + std::to_string(first.line) + ")",
                                std::string(1, r.strand),
                                "kept as one feature over both strands (trans-splicing); two features need two IDs");
            p.text = truncate_for_message(r.attributes());
            log_.add(p);
          }
          dr.feature = existing;
          push_row(dr);
          continue;
        }
        report_.duplicates++;
        const std::string where = "first defined at line " + std::to_string(first.line);
        auto duplicate = [&](Severity severity, std::string hint) {
          Problem p = problem(severity, "duplicate-id", r.line, "attribute ID", "a unique ID",
                              "duplicate ID \"" + std::string(id) + "\" (" + where + ")", std::move(hint));
          p.text = truncate_for_message(r.attributes());
          return p;
        };
        switch (o_.merge_strategy) {
          case MergeStrategy::kError: {
            Problem p = duplicate(Severity::kError, "choose --merge-strategy create_unique, merge, warning or replace");
            log_.add(p);
            return Status::invalid_input(p.format());
          }
          case MergeStrategy::kWarning:
            log_.add(duplicate(Severity::kWarning,
                               "merge_strategy=warning: this line was skipped, the first definition kept"));
            report_.skipped_lines++;
            continue;
          case MergeStrategy::kMerge:
            log_.add(duplicate(Severity::kWarning, "merge_strategy=merge: kept as another segment of the same feature"));
            dr.feature = existing;
            push_row(dr);
            continue;
          case MergeStrategy::kCreateUnique: {
            std::string fresh;
            for (std::uint32_t k = ++unique_suffix_[id];; k = ++unique_suffix_[id]) {
              fresh = std::string(id) + "_" + std::to_string(k);
              if (!ids_.count(fresh) && !explicit_auto_like_.count(fresh)) break;
            }
            const std::string_view name = d_.owned.emplace_back(std::move(fresh));
            log_.add(duplicate(Severity::kWarning, "merge_strategy=create_unique: renamed to \"" + std::string(name) + "\""));
            dr.feature = new_feature(name, row, 0);
            ids_.emplace(name, dr.feature);
            push_row(dr);
            continue;
          }
          case MergeStrategy::kReplace: {
            log_.add(duplicate(Severity::kWarning, "merge_strategy=replace: this line replaces the earlier definition"));
            // Earlier rows of the feature are detached after this pass.
            replaced_from_.resize(d_.feature_ids.size(), 0);
            replaced_from_[existing] = row;
            first_row_[existing] = row;
            dr.feature = existing;
            push_row(dr);
            report_.skipped_lines++;
            continue;
          }
        }
      }
    }
    if (!replaced_from_.empty()) {
      replaced_from_.resize(d_.feature_ids.size(), 0);
      for (std::uint32_t i = 0; i < d_.rows.size(); ++i) {
        const std::uint32_t f = d_.rows[i].feature;
        if (f != kNone && i < replaced_from_[f]) d_.rows[i].feature = kNone;
      }
    }
    return Status::ok();
  }

  // GFF3 "ID=" (or an empty value of another id_spec key): read as absent,
  // so the line gets an autoincrement ID, and said.  Called only for lines
  // whose ID came out empty.
  void report_empty_gff3_id(const ParsedChunk& c, const RawRecord& r) {
    for (std::uint32_t i = r.items_begin; i < r.items_begin + r.items_count; ++i) {
      const KeptItem& it = c.items[i];
      if (!it.has_value || it.size != 0) continue;
      const auto k = std::find(spec_key_ids_.begin(), spec_key_ids_.end(), it.key);
      if (k == spec_key_ids_.end()) continue;
      Problem p = problem(Severity::kWarning, "empty-id", r.line, "attribute " + spec_.keys[k - spec_key_ids_.begin()],
                          "a non-empty ID", "an empty value",
                          "read as absent: the feature gets an automatic ID (" + name(d_.types, r.type_code) + "_N)");
      p.text = truncate_for_message(r.attributes());
      log_.add(p);
      return;
    }
  }

  // "Parent=" or "Parent=,,": a Parent with no value names nothing (the
  // attribute parser skips empty slots beside a value, as in "Parent=a,").
  // Said once per line; a warning even in strict mode, as no edge is lost.
  void report_empty_parent(const RawRecord& r) {
    Problem p = problem(Severity::kWarning, "empty-parent", r.line, "attribute Parent",
                        "the IDs of features in the file", "an empty value", "the line has no parent");
    p.text = truncate_for_message(r.attributes());
    log_.add(p);
  }

  // --- relations -----------------------------------------------------------
  Status link_gff3() {
    std::uint32_t row = 0;
    for (auto& c : chunks_) {
      for (const RawRecord& r : c.records) {
        // Rows dropped by merge_strategy=warning have no DraftRow; keep in step.
        while (row < d_.rows.size() && d_.rows[row].rec->line < r.line) ++row;
        if (row >= d_.rows.size() || d_.rows[row].rec->line != r.line) continue;
        const DraftRow& dr = d_.rows[row];
        if (dr.feature == kNone) continue;
        bool empty_parent = false;
        for (std::uint32_t i = r.items_begin; i < r.items_begin + r.items_count; ++i) {
          const KeptItem& it = c.items[i];
          if (it.key != parent_key_ || !it.has_value) continue;
          if (it.size == 0) {
            empty_parent = true;
            continue;
          }
          auto p = ids_.find(it.value());
          if (p == ids_.end()) {
            const Severity s = o_.strict ? Severity::kError : Severity::kWarning;
            Problem pr = problem(s, "unknown-parent", r.line, "attribute Parent", "the ID of a feature in the file",
                                 quote(it.value()) + ", which no feature has",
                                 o_.strict ? "the parent may be missing from this file (a subset?); lenient mode "
                                             "drops the edge and goes on"
                                           : "the parent may be missing from this file (a subset?); the edge is "
                                             "dropped");
            pr.text = truncate_for_message(r.attributes());
            log_.add(pr);
            if (o_.strict) return Status::invalid_input(pr.format());
            continue;
          }
          d_.edges.emplace_back(dr.feature, p->second);
        }
        if (empty_parent) report_empty_parent(r);
      }
    }
    return Status::ok();
  }

  std::uint32_t synthesize(std::string_view type, std::string_view id, const DraftRow& like, std::string attrs) {
    RawRecord& s = d_.synthetic.emplace_back();
    const RawRecord& l = *like.rec;
    s.seqid_code = l.seqid_code;
    // As gffutils marks what it infers: the one way a gffutils user (and a
    // GTF written with --include-synthetic) can tell these rows apart.
    s.source_code = d_.sources.code(kSyntheticSource);
    s.type_code = d_.types.code(type);
    s.start = l.start;
    s.end = l.end;
    s.score = std::numeric_limits<double>::quiet_NaN();
    s.score_dot = true;
    s.strand = l.strand;
    s.phase = -1;
    s.line = 0;
    const std::string_view owned = d_.owned.emplace_back(std::move(attrs));
    s.text = owned.data();
    s.attr_begin = 0;
    s.attr_size = static_cast<std::uint32_t>(owned.size());
    DraftRow row;
    row.rec = &s;
    row.flags = kRowSynthetic | kRowNoCoords;  // extents are set by the extend() that follows
    const auto index = static_cast<std::uint32_t>(d_.rows.size());
    row.feature = new_feature(id, index, 0);
    d_.rows.push_back(row);
    ids_.emplace(id, row.feature);
    report_.synthetic++;
    return row.feature;
  }

  std::string gtf_attr(std::string_view key, std::string_view value) const {
    std::string s(key);
    s += dialect_.quoted_values || dialect_.format == Format::kGtf ? " \"" : " ";
    s += value;
    if (dialect_.quoted_values || dialect_.format == Format::kGtf) s += '"';
    s += ';';
    return s;
  }

  static std::string name(const Dictionary& d, std::uint32_t code) { return std::string(d.values[code]); }

  // Grows a synthesised gene/transcript over a child.  Extents come from
  // gtf_subfeature children (exons) when the feature has any, as gffutils
  // does, else from all children; children on another seqid than the first
  // are not spanned (a warning says so).
  // The GTF key that names an inferred feature: gene_id for a gene, else transcript_id.
  const std::string& naming_key(const RawRecord& inferred) const {
    return name(d_.types, inferred.type_code) == "gene" ? o_.gtf_gene_key : o_.gtf_transcript_key;
  }

  void extend(std::uint32_t feature, const DraftRow& r) {
    DraftRow& s = d_.rows[first_row_[feature]];
    if (!(s.flags & kRowSynthetic) || (r.flags & kRowNoCoords)) return;
    if (extent_state_.size() <= feature) extent_state_.resize(d_.feature_ids.size() + 1, 0);
    std::uint8_t& state = extent_state_[feature];
    const bool is_sub = o_.gtf_subfeature.empty() || r.rec->type_code == subfeature_type_;
    if (s.flags & kRowNoCoords) {  // first child with coordinates
      s.flags &= static_cast<std::uint8_t>(~kRowNoCoords);
      s.rec->seqid_code = r.rec->seqid_code;
      s.rec->start = r.rec->start;
      s.rec->end = r.rec->end;
      state = is_sub ? kSeenSubfeature : 0;
      return;
    }
    if (r.rec->strand != s.rec->strand && !(state & kWarnedStrand)) {
      state |= kWarnedStrand;
      log_.add(problem(Severity::kWarning, "multi-strand-parent", r.rec->line, "attribute " + naming_key(*s.rec),
                       "all children of an inferred feature on one strand",
                       quote(d_.feature_ids[feature]) + " has children on strands " + std::string(1, s.rec->strand) +
                           " and " + std::string(1, r.rec->strand),
                       "the inferred " + name(d_.types, s.rec->type_code) + " keeps the strand of its first child, " +
                           std::string(1, s.rec->strand)));
    }
    if (r.rec->seqid_code != s.rec->seqid_code) {
      if (!(state & kWarnedSeqid)) {
        state |= kWarnedSeqid;
        log_.add(problem(Severity::kWarning, "multi-seqid-parent", r.rec->line, "attribute " + naming_key(*s.rec),
                         "all children of an inferred feature on one seqid",
                         quote(d_.feature_ids[feature]) + " has children on " + name(d_.seqids, s.rec->seqid_code) +
                             " and " + name(d_.seqids, r.rec->seqid_code),
                         "the inferred " + name(d_.types, s.rec->type_code) + " spans only its children on " +
                             name(d_.seqids, s.rec->seqid_code)));
      }
      return;
    }
    if ((state & kSeenSubfeature) && !is_sub) return;
    if (!(state & kSeenSubfeature) && is_sub) {  // the first exon replaces extents from other children
      state |= kSeenSubfeature;
      s.rec->start = r.rec->start;
      s.rec->end = r.rec->end;
      return;
    }
    s.rec->start = std::min(s.rec->start, r.rec->start);
    s.rec->end = std::max(s.rec->end, r.rec->end);
  }

  void link_gtf() {
    const std::string& gene_key = o_.gtf_gene_key;  // names for synthesised attributes
    const std::string& tx_key = o_.gtf_transcript_key;
    const std::size_t real_rows = d_.rows.size();
    std::uint32_t row = 0;
    for (auto& c : chunks_) {
      for (const RawRecord& r : c.records) {
        while (row < real_rows && d_.rows[row].rec->line < r.line) ++row;
        if (row >= real_rows || d_.rows[row].rec->line != r.line) continue;
        const std::uint32_t this_row = row;
        if (d_.rows[this_row].feature == kNone) continue;
        const std::uint32_t feature = d_.rows[this_row].feature;
        const std::string_view gid = first_value(c, r, gene_key_);
        const std::string_view tid = first_value(c, r, tx_key_);
        if (gid.empty() || (tid.empty() && r.type_code != gene_type_)) {
          report_empty_keys(c, r);
          // (AUGUSTUS's bare-ID gene and transcript lines name themselves.)
          if (bare_id(r).empty()) {
            if (gid.empty() && !has_key(c, r, gene_key_)) lacking_gene_.note(r);
            if (tid.empty() && r.type_code != gene_type_ && !has_key(c, r, tx_key_)) lacking_tx_.note(r);
          }
        }
        if (r.type_code == gene_type_) continue;
        const bool is_transcript = r.type_code == transcript_type_;

        // The gene, synthesised when absent.
        std::uint32_t gene = kNone;
        if (!gid.empty()) {
          // Consecutive lines nearly always share the previous line's gene.
          if (gid == last_gid_ && last_gene_ != kNone && r.seqid_code == last_seqid_) {
            gene = last_gene_;
          } else {
            const std::uint32_t first = lookup(gene_ids_, gid);
            gene = on_row_seqid(first, gid, this_row, "gene", [&] { return gtf_attr(gene_key, gid); }, kNone);
            if (gene != first) add_attr_hash(gene_key, gid);
          }
          if (gene == kNone && o_.infer_genes) {
            gene = synthesize("gene", free_name(gid), d_.rows[this_row], gtf_attr(gene_key, gid));
            gene_ids_.emplace(gid, gene);
            add_attr_hash(gene_key, gid);
          }
          if (gene != kNone) extend(gene, d_.rows[this_row]);
          last_gid_ = gid;
          last_gene_ = gene;
          last_seqid_ = r.seqid_code;
        }
        if (is_transcript) {
          if (gene != kNone) {
            d_.edges.emplace_back(feature, gene);
            if (feature != last_checked_tx_ || gene != last_checked_gene_) note_transcript_gene(feature, gene, r);
          }
          continue;
        }
        // The transcript, synthesised when absent.
        std::uint32_t tx = kNone;
        if (!tid.empty()) {
          if (tid == last_tid_ && gene == last_tx_gene_ && last_tx_ != kNone && r.seqid_code == last_tx_seqid_) {
            tx = last_tx_;
          } else {
            const std::uint32_t first = lookup(tx_ids_, tid);
            auto attrs = [&] {
              std::string a = gid.empty() ? std::string() : gtf_attr(gene_key, gid) + " ";
              return a + gtf_attr(tx_key, tid);
            };
            tx = on_row_seqid(first, tid, this_row, "transcript", attrs, gene);
            if (tx != first) {
              if (!gid.empty()) add_attr_hash(gene_key, gid);
              add_attr_hash(tx_key, tid);
            }
            if (tx != kNone && gene != kNone) tx = inferred_transcript_of(tx, gene, gid, tid, this_row);
          }
          if (tx == kNone && o_.infer_transcripts) {
            std::string attrs = gid.empty() ? std::string() : gtf_attr(gene_key, gid) + " ";
            attrs += gtf_attr(tx_key, tid);
            tx = synthesize("transcript", free_name(tid), d_.rows[this_row], std::move(attrs));
            tx_ids_.emplace(tid, tx);
            if (!gid.empty()) add_attr_hash(gene_key, gid);
            add_attr_hash(tx_key, tid);
            if (gene != kNone) d_.edges.emplace_back(tx, gene);
          }
          if (tx != kNone) {
            if (gene != kNone && !tx_without_gene_.empty() && tx_without_gene_.erase(tx)) {
              d_.edges.emplace_back(tx, gene);
            }
            extend(tx, d_.rows[this_row]);
            // Only when the pair changes (about once per transcript), not per line.
            if (gene != kNone && (tx != last_checked_tx_ || gene != last_checked_gene_)) note_transcript_gene(tx, gene, r);
          }
          last_tid_ = tid;
          last_tx_ = tx;
          last_tx_gene_ = gene;
          last_tx_seqid_ = r.seqid_code;
        }
        if (tx != kNone && tx != feature) d_.edges.emplace_back(feature, tx);
        else if (gene != kNone && gene != feature) d_.edges.emplace_back(feature, gene);
      }
    }
  }

  // An inferred transcript belongs to one gene.  NCBI GTFs give every CDS
  // without an mRNA transcript_id "unknown_transcript_1" (all of a
  // prokaryote's, a mitochondrion's), each under its own gene_id: pooled,
  // one transcript spanned the whole genome under the first gene.  Another
  // gene gets its own inferred transcript (named tid_1, tid_2, ...), said
  // once per transcript_id.  A transcript line in the file is kept as it is.
  std::uint32_t inferred_transcript_of(std::uint32_t tx, std::uint32_t gene, std::string_view gid,
                                       std::string_view tid, std::uint32_t row) {
    if (!(d_.rows[first_row_[tx]].flags & kRowSynthetic) || tx >= tx_gene_.size() || tx_gene_[tx] == kNone ||
        tx_gene_[tx] == gene) {
      return tx;
    }
    std::string key(gid);
    key += '\0';
    key += tid;
    if (auto it = per_gene_tx_.find(key); it != per_gene_tx_.end()) return it->second;
    const std::string& gene_key = o_.gtf_gene_key;
    const std::string& tx_key = o_.gtf_transcript_key;
    const std::uint32_t own = synthesize("transcript", free_name(tid), d_.rows[row], gtf_attr(gene_key, gid) + " " +
                                                                                      gtf_attr(tx_key, tid));
    add_attr_hash(gene_key, gid);
    add_attr_hash(tx_key, tid);
    d_.edges.emplace_back(own, gene);
    per_gene_tx_.emplace(std::move(key), own);
    if (warned_tx_.insert(tx).second) {
      const RawRecord& r = *d_.rows[row].rec;
      log_.add(problem(Severity::kWarning, "transcript-in-two-genes", r.line, "attribute " + gene_key,
                       "the gene of this transcript's other lines, " + quote(d_.feature_ids[tx_gene_[tx]]),
                       quote(d_.feature_ids[gene]) + " for transcript " + quote(tid),
                       "an inferred transcript belongs to one gene: each gene naming " + quote(tid) +
                           " gets its own (NCBI names every CDS without an mRNA \"unknown_transcript_1\"); this "
                           "one is " + quote(d_.feature_ids[own])));
    }
    return own;
  }

  // gene_id "" / transcript_id "": read as absent (the line joins no gene or
  // transcript), and said.  Called only when a key has no non-empty value.
  // Lines without a gene_id (or, but for genes, a transcript_id) at all, said
  // once per key with the first line and the count: GTF requires both, and
  // such a line joins no gene (no transcript).
  struct Lacking {
    std::uint64_t count = 0;
    const RawRecord* first = nullptr;
    void note(const RawRecord& r) {
      if (count++ == 0) first = &r;
    }
  };
  Lacking lacking_gene_, lacking_tx_;

  static bool has_key(const ParsedChunk& c, const RawRecord& r, KeyId key) {
    for (std::uint32_t i = r.items_begin; i < r.items_begin + r.items_count; ++i) {
      if (c.items[i].key == key) return true;
    }
    return false;
  }

  void report_lacking_keys() {
    auto say = [&](const Lacking& l, const std::string& key, const char* which, const char* joins) {
      if (l.count == 0) return;
      Problem p = problem(Severity::kWarning, "missing-gtf-id", l.first->line, "attribute " + key,
                          std::string("a ") + key + " on every line" + which, "none",
                          std::string("such a line joins no ") + joins +
                              (l.count > 1 ? " (" + std::to_string(l.count) + " lines lack " + key + ")" : ""));
      p.text = truncate_for_message(l.first->attributes());
      log_.add(p);
    };
    say(lacking_gene_, o_.gtf_gene_key, "", "gene");
    say(lacking_tx_, o_.gtf_transcript_key, " but gene lines", "transcript");
  }

  void report_empty_keys(const ParsedChunk& c, const RawRecord& r) {
    // gene_id "" and transcript_id "" together are GTF 2.2's way of writing a
    // feature in no gene (its `inter` and `inter_CNS`): as meant, not said.
    bool empty_gene = false, empty_tx = false;
    for (std::uint32_t i = r.items_begin; i < r.items_begin + r.items_count; ++i) {
      const KeptItem& it = c.items[i];
      if (!it.has_value || it.size != 0) continue;
      empty_gene |= it.key == gene_key_;
      empty_tx |= it.key == tx_key_;
    }
    if (empty_gene && empty_tx) return;
    for (std::uint32_t i = r.items_begin; i < r.items_begin + r.items_count; ++i) {
      const KeptItem& it = c.items[i];
      if ((it.key != gene_key_ && it.key != tx_key_) || !it.has_value || it.size != 0) continue;
      // NCBI writes every gene line with transcript_id "": a gene has none.
      if (it.key == tx_key_ && r.type_code == gene_type_) continue;
      const std::string& key = it.key == gene_key_ ? o_.gtf_gene_key : o_.gtf_transcript_key;
      Problem p = problem(Severity::kWarning, "empty-id", r.line, "attribute " + key, "a non-empty ID", "\"\"",
                          "the line is read as having no " + key);
      p.text = truncate_for_message(r.attributes());
      log_.add(p);
    }
  }

  // A transcript belongs to the gene of its first line; a later line that
  // names it under another gene_id is said (once per transcript).  Callers
  // call it when the (transcript, gene) pair changes, not per line.
  void note_transcript_gene(std::uint32_t tx, std::uint32_t gene, const RawRecord& r) {
    last_checked_tx_ = tx;
    last_checked_gene_ = gene;
    if (tx_gene_.size() <= tx) tx_gene_.resize(std::max<std::size_t>(d_.feature_ids.size(), tx + 1), kNone);
    std::uint32_t& known = tx_gene_[tx];
    if (known == kNone) {
      known = gene;
      return;
    }
    if (known == gene || !warned_tx_.insert(tx).second) return;
    log_.add(problem(Severity::kWarning, "transcript-in-two-genes", r.line, "attribute " + o_.gtf_gene_key,
                     "the gene of this transcript's other lines, " + quote(d_.feature_ids[known]),
                     quote(d_.feature_ids[gene]) + " for transcript " + quote(d_.feature_ids[tx]),
                     "a transcript_id names one transcript, whose lines should agree on its gene; the "
                     "hierarchy follows the file's transcript line, or else the first line naming it"));
  }

  void add_attr_hash(std::string_view key, std::string_view value) {
    d_.extra_attr_entries.push_back(attribute_entry(key, value, static_cast<std::uint32_t>(d_.rows.size() - 1)));
  }

  // Duplicate edges come from segments (every line of a split CDS names the
  // same parent).  Bucketing by child (counting sort) leaves tiny per-child
  // lists to deduplicate: O(edges), where a full sort was O(edges log edges).
  void dedupe_edges() {
    const std::size_t m = d_.feature_ids.size();
    std::vector<std::uint32_t> start, parents, fill;
    assign_huge(start, m + 1, 0u);
    for (auto& [child, parent] : d_.edges) start[child + 1]++;
    for (std::size_t i = 0; i < m; ++i) start[i + 1] += start[i];
    assign_huge(parents, d_.edges.size());
    {
      reserve_huge(fill, m);
      fill.assign(start.begin(), start.end() - 1);
      for (auto& [child, parent] : d_.edges) parents[fill[child]++] = parent;
    }
    d_.edges.clear();
    for (std::uint32_t c = 0; c < m; ++c) {
      auto b = parents.begin() + start[c], e = parents.begin() + start[c + 1];
      if (e - b > 1) {
        std::sort(b, e);
        e = std::unique(b, e);
      }
      for (auto it = b; it != e; ++it) d_.edges.emplace_back(c, *it);
    }
    report_.relations = d_.edges.size();
  }

  // Parent cycles (including self-parents) are reported; the edges stay, and
  // every walk over the hierarchy carries a visited set, so queries cannot loop.
  Status check_cycles() {
    const std::size_t m = d_.feature_ids.size();
    if (d_.edges.empty()) return Status::ok();
    std::vector<std::uint32_t> off, adj;
    assign_huge(off, m + 1, 0u);
    assign_huge(adj, d_.edges.size());
    for (auto& [child, parent] : d_.edges) off[child + 1]++;
    for (std::size_t i = 0; i < m; ++i) off[i + 1] += off[i];
    {
      std::vector<std::uint32_t> fill;
      reserve_huge(fill, m);
      fill.assign(off.begin(), off.end() - 1);
      for (auto& [child, parent] : d_.edges) adj[fill[child]++] = parent;
    }
    std::vector<std::uint8_t> color;  // 0 new, 1 on stack, 2 done
    assign_huge(color, m, std::uint8_t{0});
    std::vector<std::pair<std::uint32_t, std::uint32_t>> stack;
    std::size_t reported = 0;
    for (std::uint32_t s = 0; s < m; ++s) {
      if (color[s] || off[s] == off[s + 1]) continue;
      stack.push_back({s, off[s]});
      color[s] = 1;
      while (!stack.empty()) {
        auto& [v, next] = stack.back();
        if (next == off[v + 1]) {
          color[v] = 2;
          stack.pop_back();
          continue;
        }
        const std::uint32_t p = adj[next++];
        if (color[p] == 0) {
          color[p] = 1;
          stack.push_back({p, off[p]});
        } else if (color[p] == 1) {
          const Severity sev = o_.strict ? Severity::kError : Severity::kWarning;
          const RawRecord& row = *d_.rows[first_row_[v]].rec;
          std::string found = p == v ? "feature \"" + id_text(v) + "\" is its own parent"
                                     : "a cycle: \"" + id_text(v) + "\" -> ... -> \"" + id_text(p) + "\" -> \"" +
                                           id_text(v) + "\"";
          Problem pr = problem(sev, "parent-cycle", row.line, "attribute Parent", "an acyclic hierarchy", found,
                               "queries stop at features already visited; fix the Parent attributes");
          log_.add(pr);
          if (o_.strict) return Status::invalid_input(pr.format());
          if (++reported > 1000) return Status::ok();
        }
      }
    }
    return Status::ok();
  }

  std::string id_text(std::uint32_t f) const {
    if (auto_number_[f] == 0) return std::string(d_.feature_ids[f]);
    return std::string(d_.feature_ids[f]) + "_" + std::to_string(auto_number_[f]);
  }

  // Autoincrement numbers avoid the file's explicit IDs as they are given
  // out, but names made later (create_unique renames, synthesised GTF genes
  // and transcripts) can still land on "<type>_<n>".  Those auto names are
  // renumbered past the largest number of their type, so every ID is unique.
  void renumber_colliding_auto_ids() {
    std::unordered_map<std::string_view, std::unordered_set<std::uint32_t>> taken;  // type -> numbers
    for (const auto& [name, f] : ids_) {
      const std::size_t us = name.rfind('_');
      if (us == std::string_view::npos || us + 1 >= name.size() || !auto_counters_.count(name.substr(0, us))) continue;
      std::uint32_t n = 0;
      auto [p, ec] = std::from_chars(name.data() + us + 1, name.data() + name.size(), n);
      if (ec != std::errc() || p != name.data() + name.size()) continue;
      taken[name.substr(0, us)].insert(n);
    }
    if (taken.empty()) return;
    for (std::size_t f = 0; f < d_.feature_ids.size(); ++f) {
      if (!auto_number_[f]) continue;
      auto t = taken.find(d_.feature_ids[f]);
      if (t == taken.end() || !t->second.count(auto_number_[f])) continue;
      std::uint32_t& counter = auto_counters_[d_.feature_ids[f]];
      do {
        ++counter;
      } while (t->second.count(counter) ||
               explicit_auto_like_.count(std::string(d_.feature_ids[f]) + "_" + std::to_string(counter)));
      auto_number_[f] = counter;
    }
  }

  void materialise_auto_ids() {
    renumber_colliding_auto_ids();
    // Autoincrement names are generated only now, once, into owned storage.
    std::size_t bytes = 0, count = 0;
    for (std::size_t f = 0; f < d_.feature_ids.size(); ++f) {
      if (auto_number_[f]) bytes += d_.feature_ids[f].size() + 11, ++count;
    }
    if (count == 0) return;
    std::string& arena = d_.owned.emplace_back();
    arena.reserve(bytes);
    std::vector<std::pair<std::size_t, std::size_t>> spans(d_.feature_ids.size());
    for (std::size_t f = 0; f < d_.feature_ids.size(); ++f) {
      if (!auto_number_[f]) continue;
      const std::size_t at = arena.size();
      arena.append(d_.feature_ids[f]);
      arena.push_back('_');
      char buf[16];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, auto_number_[f]);
      arena.append(buf, p);
      spans[f] = {at, arena.size() - at};
    }
    for (std::size_t f = 0; f < d_.feature_ids.size(); ++f) {
      if (auto_number_[f]) d_.feature_ids[f] = std::string_view(arena).substr(spans[f].first, spans[f].second);
    }
  }

  std::vector<ParsedChunk>& chunks_;
  bool gtf_;
  const Dialect& dialect_;
  const IngestOptions& o_;
  const std::string& path_;
  Draft& d_;
  ProblemLog& log_;
  IngestReport& report_;
  IdSpec spec_;
  bool default_spec_;  ///< the caller gave no id_spec: bare IDs are read (bare_id)
  std::vector<KeyId> spec_key_ids_;                  ///< spec_.keys as key indices
  std::vector<std::vector<KeyId>> by_type_key_ids_;  ///< spec_.by_type's keys as key indices
  KeyId parent_key_ = kNoKey, gene_key_ = kNoKey, tx_key_ = kNoKey;
  std::vector<std::uint32_t> by_type_codes_;  ///< spec_.by_type's types as Draft::types codes
  std::uint32_t gene_type_ = kNone, transcript_type_ = kNone, mrna_type_ = kNone, subfeature_type_ = kNone;
  IdMap ids_;
  std::vector<std::uint32_t> first_row_;
  std::vector<std::uint32_t> auto_number_;
  std::vector<std::uint32_t> replaced_from_;
  IdMap gene_ids_, tx_ids_;
  static constexpr std::uint8_t kSeenSubfeature = 1, kWarnedSeqid = 2, kWarnedStrand = 4;
  std::vector<std::uint8_t> extent_state_;  ///< per synthesised feature
  std::vector<std::uint32_t> tx_gene_;       ///< per transcript: the gene of its first line
  std::unordered_set<std::uint32_t> warned_tx_;
  std::unordered_set<std::uint32_t> tx_without_gene_;  ///< transcript lines without a gene_id, until one is found
  std::uint32_t last_checked_tx_ = kNone, last_checked_gene_ = kNone;
  std::string_view last_gid_, last_tid_;
  std::uint32_t last_gene_ = kNone, last_tx_ = kNone, last_tx_gene_ = kNone;
  std::uint32_t last_seqid_ = kNone, last_tx_seqid_ = kNone;
  std::unordered_map<std::string, std::uint32_t> per_seqid_;  ///< seqid_key(name, seqid) -> that seqid's gene/transcript
  std::unordered_set<std::uint32_t> warned_seqid_;
  std::unordered_set<std::uint32_t> warned_strands_;  ///< features with segments on both strands, said once             ///< first features whose name was split by seqid
  std::unordered_map<std::string, std::uint32_t> per_gene_tx_;  ///< gene_id '\0' transcript_id -> its own inferred transcript
  const RawRecord* pending_gtf_ = nullptr;
  const ParsedChunk* pending_chunk_ = nullptr;
  std::unordered_map<std::string_view, std::uint32_t> auto_counters_;
  std::vector<std::uint32_t*> counter_of_type_;  ///< by type code: its entry in auto_counters_ (or null)
  std::unordered_map<std::string_view, std::uint32_t> unique_suffix_;
  std::unordered_set<std::string> explicit_auto_like_;
};

}  // namespace

Status assemble(std::vector<ParsedChunk>& chunks, const Dialect& dialect, const IngestOptions& options,
                const std::string& path, Draft& draft, ProblemLog& log, IngestReport& report) {
  Assembler a(chunks, dialect, options, path, draft, log, report);
  return a.run();
}

}  // namespace gffbase::internal
