#include "gzip_diagnosis.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace gffbase::internal {

std::string cut_short_message(const std::string& name, std::size_t end, const std::string& where,
                              const std::string& detail) {
  return name + ": the file is cut short: it ends at byte " + std::to_string(end) + ", inside " + where + detail +
         " (hint: the download or copy is incomplete; fetch the file again)";
}

std::string diagnose_gzip_failure(const std::string& name, std::string_view raw, std::size_t member_start) {
  const std::string at = "the gzip member starting at byte " + std::to_string(member_start);
  const std::string generic = name + ": compressed data are corrupt in " + at + " (hint: try `gzip -t`)";
  z_stream z;
  std::memset(&z, 0, sizeof z);
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return generic;  // 16: a gzip wrapper, not zlib's
  std::vector<unsigned char> scratch(1 << 18);                     // output is counted, not kept
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data()) + member_start;
  std::size_t left = raw.size() - member_start;
  int rc = Z_OK;
  std::size_t text = 0;
  while (rc == Z_OK) {
    if (z.avail_in == 0 && left > 0) {  // avail_in is 32-bit: feed at most 1 GiB at a time
      const auto n = static_cast<uInt>(std::min<std::size_t>(left, std::size_t{1} << 30));
      z.next_in = const_cast<unsigned char*>(in);
      z.avail_in = n;
      in += n;
      left -= n;
    }
    z.next_out = scratch.data();
    z.avail_out = static_cast<uInt>(scratch.size());
    rc = inflate(&z, Z_NO_FLUSH);
    text += scratch.size() - z.avail_out;
    if (rc == Z_BUF_ERROR && z.avail_in == 0 && left == 0) break;  // wants more input: there is none
    if (rc == Z_BUF_ERROR) rc = Z_OK;                               // output full: go on
  }
  const std::size_t consumed = member_start + (raw.size() - member_start - left - z.avail_in);
  const std::string msg = z.msg ? z.msg : "";
  inflateEnd(&z);
  if (rc == Z_BUF_ERROR || (rc == Z_OK && left == 0)) {
    return cut_short_message(name, raw.size(), at, ", after " + std::to_string(text) + " bytes of text");
  }
  if (rc == Z_DATA_ERROR && msg == "incorrect data check") {
    return name + ": " + at + " fails its CRC-32 check: the text inflates, but not to what was compressed " +
           "(hint: the file is corrupt; fetch it again)";
  }
  if (rc == Z_DATA_ERROR && msg == "incorrect length check") {
    return name + ": " + at + " fails its length check: its trailer does not give the size it inflates to " +
           "(hint: the file is corrupt; fetch it again)";
  }
  if (rc == Z_DATA_ERROR) {
    return name + ": compressed data are corrupt near byte " + std::to_string(consumed) + ", in " + at +
           (msg.empty() ? "" : " (" + msg + ")") + " (hint: the file is corrupt; fetch it again)";
  }
  return generic;  // zlib inflated it: libdeflate's limits, not the data
}

}  // namespace gffbase::internal
