// gffbase — vocabulary types shared by every layer.
//
// Coordinates are 1-based and closed ([start, end]) everywhere in the API, as
// in GFF.  They are 64-bit so coordinates past 2^31 (large plant and
// amphibian chromosomes) are representable.  A feature whose coordinates are
// `.` in the file (NCBI `region` rows, some GFF2 files) has kNoCoordinate in
// both start and end; such features never match a region query.
#pragma once

#include <cstdint>
#include <string_view>

namespace gffbase {

using Coord = std::int64_t;
inline constexpr Coord kNoCoordinate = 0;

/// Row index of one line (segment) in a database, in (seqid, start, end) order.
using RowId = std::uint32_t;
/// Index of one logical feature (one ID; may span several rows/segments).
using FeatureIndex = std::uint32_t;
inline constexpr std::uint32_t kNone = 0xFFFFFFFFu;

/// Input dialects the parser understands.
enum class Format : std::uint8_t { kAuto = 0, kGff3 = 1, kGtf = 2, kGff2 = 3 };

std::string_view format_name(Format f);
/// Parses "auto", "gff3", "gtf", "gff2" (case-insensitive); false when unknown.
bool parse_format(std::string_view text, Format& out);

/// gffutils' merge strategies for duplicate IDs.
enum class MergeStrategy : std::uint8_t {
  kError = 0,        ///< stop at the first duplicate
  kWarning = 1,      ///< keep the first, drop the duplicate, record a warning
  kMerge = 2,        ///< merge attributes into the first (segments when coordinates differ)
  kCreateUnique = 3, ///< rename the duplicate ID_1, ID_2, ...
  kReplace = 4,      ///< the last occurrence wins
};

std::string_view merge_strategy_name(MergeStrategy m);
bool parse_merge_strategy(std::string_view text, MergeStrategy& out);

/// Strand as it appears in column 7: '+', '-', '.', or '?'.
using Strand = char;

/// Phase from column 8: 0, 1, 2, or -1 for '.'.
using Phase = std::int8_t;

}  // namespace gffbase
