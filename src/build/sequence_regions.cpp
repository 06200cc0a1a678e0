#include "sequence_regions.hpp"

#include <charconv>
#include <unordered_map>
#include <unordered_set>

namespace gffbase::internal {
namespace {

struct Region {
  Coord start = 0, end = 0;
  std::uint64_t line = 0;
};

enum class RegionLine { kOther, kMalformed, kRegion };

// "##sequence-region seqid start end" -> (seqid, region).  A malformed one
// is kept as a directive, said (bad-sequence-region) and not used.
RegionLine parse_region(std::string_view text, std::string_view& seqid, Region& r) {
  constexpr std::string_view kTag = "##sequence-region";
  if (text.substr(0, kTag.size()) != kTag) return RegionLine::kOther;
  if (text.size() > kTag.size() && text[kTag.size()] != ' ' && text[kTag.size()] != '\t') return RegionLine::kOther;
  std::string_view words[3];
  std::size_t n = 0, at = kTag.size();
  while (n < 3) {
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    if (at >= text.size()) break;
    const std::size_t end = text.find_first_of(" \t", at);
    words[n++] = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    at = end == std::string_view::npos ? text.size() : end;
  }
  if (n < 3) return RegionLine::kMalformed;
  auto number = [](std::string_view w, Coord& v) {
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    return ec == std::errc() && p == w.data() + w.size() && v >= 1;
  };
  seqid = words[0];
  const bool ok = number(words[1], r.start) && number(words[2], r.end) && r.start <= r.end;
  return ok ? RegionLine::kRegion : RegionLine::kMalformed;
}

std::string extent(Coord s, Coord e) { return std::to_string(s) + "-" + std::to_string(e); }

}  // namespace

std::vector<Problem> sequence_region_problems(const std::string& path, const std::vector<ParsedChunk>& chunks,
                                              const Draft& draft) {
  std::vector<Problem> out;
  auto warn = [&](std::string code, std::uint64_t line, std::string field, std::string expected, std::string found,
                  std::string hint) {
    out.push_back(Problem{.severity = Severity::kWarning, .code = std::move(code), .path = path, .line = line,
                          .field = std::move(field), .expected = std::move(expected), .found = std::move(found),
                          .text = {}, .hint = std::move(hint)});
  };
  std::unordered_map<std::string_view, Region> by_name;
  for (const ParsedChunk& c : chunks) {
    for (const DirectiveLine& d : c.directives) {
      std::string_view seqid;
      Region r;
      const RegionLine kind = parse_region(d.text, seqid, r);
      if (kind == RegionLine::kMalformed) {
        warn("bad-sequence-region", d.line, "##sequence-region",
             "##sequence-region seqid start end, with 1 <= start <= end", std::string(d.text),
             "kept as a directive; features are not checked against it");
      }
      if (kind != RegionLine::kRegion) continue;
      r.line = d.line;
      auto [it, fresh] = by_name.try_emplace(seqid, r);
      if (!fresh && (it->second.start != r.start || it->second.end != r.end)) {
        warn("sequence-region-conflict", d.line, "##sequence-region " + std::string(seqid),
             "one extent per seqid (line " + std::to_string(it->second.line) + " gives " +
                 extent(it->second.start, it->second.end) + ")",
             extent(r.start, r.end), "features are checked against the first");
      }
    }
  }
  if (by_name.empty()) return out;
  // Per seqid code: its region, if any, and what was found outside it.
  std::vector<const Region*> region(draft.seqids.values.size(), nullptr);
  for (std::uint32_t s = 0; s < region.size(); ++s) {
    if (auto it = by_name.find(draft.seqids.values[s]); it != by_name.end()) region[s] = &it->second;
  }
  const std::uint32_t region_type = draft.types.find("region");
  if (region_type != kNone) {
    for (const ParsedChunk& c : chunks) {
      for (const RawRecord& r : c.records) {
        if (r.type_code == region_type && r.attributes().find("Is_circular=true") != std::string_view::npos) {
          region[r.seqid_code] = nullptr;  // a circular molecule: features may cross the origin
        }
      }
    }
  }
  struct Outside {
    const RawRecord* first = nullptr;
    std::uint64_t count = 0;
  };
  std::vector<Outside> outside(region.size());
  for (const ParsedChunk& c : chunks) {
    for (const RawRecord& r : c.records) {
      const Region* g = region[r.seqid_code];
      if (!g || r.no_coords || (r.start >= g->start && r.end <= g->end)) continue;
      Outside& o = outside[r.seqid_code];
      if (o.count++ == 0) o.first = &r;  // records are in input order
    }
  }
  for (std::uint32_t s = 0; s < outside.size(); ++s) {
    const Outside& o = outside[s];
    if (o.count == 0) continue;
    const Region& g = *region[s];
    warn("outside-sequence-region", o.first->line, "columns 4-5 (start, end)",
         "within " + std::string(draft.seqids.values[s]) + "'s ##sequence-region (line " + std::to_string(g.line) +
             "), " + extent(g.start, g.end),
         extent(o.first->start, o.first->end) +
             (o.count > 1 ? " (" + std::to_string(o.count) + " features on " + std::string(draft.seqids.values[s]) +
                                " lie outside it)"
                          : std::string()),
         "kept as it is; the ##sequence-region line or the coordinates are wrong");
    out.back().text = truncate_for_message(
        std::string_view(o.first->text, o.first->attr_begin + o.first->attr_size));
  }
  return out;
}

}  // namespace gffbase::internal
