// gffbase — writing a FeatureTable as a .gffdb, atomically.
//
// The bytes go to "<path>.tmp-<pid>-<n>" in the same directory, are flushed
// with fsync, and the file is renamed over `path` (then the directory is
// synced).  Readers of an older file at `path` keep their mapping; new
// openers see the complete new file; nobody ever sees a partial file.  On
// any error the temporary file is removed and `path` is untouched.
#pragma once

#include <cstdint>
#include <string>

#include "gffbase/build/feature_table.hpp"
#include "gffbase/status.hpp"

namespace gffbase {

/// Writes `table` to `path`.  Fails (kIo) when `path` exists and !overwrite.
/// Returns the number of bytes written.
Result<std::uint64_t> write_gffdb(const FeatureTable& table, const std::string& path, bool overwrite);

}  // namespace gffbase
