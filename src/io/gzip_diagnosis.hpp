// Why a gzip member failed to inflate, in words a user can act on.
//
// libdeflate, which inflates every member, answers only "bad data" for a
// file cut short, a CRC mismatch and corrupt DEFLATE bits alike.  After a
// failure (never on the fast path) the member is inflated again with zlib's
// streaming inflater, which tells these apart and knows how far it got.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace gffbase::internal {

/// The error message for the gzip member of `raw` starting at byte
/// `member_start` that failed to inflate: "<name>: ..." naming the cause
/// (cut short, CRC-32 or length check, corrupt data) and the byte offsets,
/// with a hint.  Reads the member again; allocates a small scratch buffer.
std::string diagnose_gzip_failure(const std::string& name, std::string_view raw, std::size_t member_start);

/// "<name>: the file is cut short: it ends at byte <end>, inside <where><detail> (hint: ...)":
/// the one wording for a gzip member or BGZF block that runs past the end of the file.
std::string cut_short_message(const std::string& name, std::size_t end, const std::string& where,
                              const std::string& detail);

}  // namespace gffbase::internal
