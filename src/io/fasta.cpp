#include "gffbase/io/fasta.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gffbase/io/input.hpp"
#include "gffbase/parse/chunk_parser.hpp"  // find_invalid_utf8

namespace gffbase {
namespace {

// A read-only mapping of a whole plain file (no pages read up front: with a
// .fai, a fetch touches only the lines it needs).
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  bool map(int fd, std::size_t n) {
    if (n == 0) return true;
    void* p = ::mmap(nullptr, n, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return false;
    data_ = static_cast<const char*>(p);
    size_ = n;
    return true;
  }
  std::string_view view() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Bytes up to 0x20 (space, tab, CR, NUL, other controls) are never bases:
// a line's bases are its other bytes (samtools counts isgraph characters).
bool is_blank(char c) { return static_cast<unsigned char>(c) <= 0x20; }

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// A line for an error message: at most 60 bytes, control bytes as '?', and
// bytes that are not ASCII as \xHH (the message must be valid UTF-8, and a
// byte-order mark should be seen).
std::string shown(std::string_view line) {
  constexpr std::size_t kMax = 60;
  std::string s;
  for (char ch : line.substr(0, kMax)) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      s += hex;
    } else {
      s += c < 0x20 ? '?' : ch;
    }
  }
  return line.size() > kMax ? s + "..." : s;
}

}  // namespace

struct FastaReader::Impl {
  std::string name;
  std::vector<FastaSequence> sequences;
  std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>> by_name;
  std::string_view text;
  // What keeps `text` alive: a mapping, an inflated buffer, or the caller's owner.
  MappedFile mapped;
  TextBuffer inflated;
  std::shared_ptr<const void> owner;

  Status add(FastaSequence s, std::uint64_t line) {
    auto [it, fresh] = by_name.try_emplace(s.name, static_cast<std::uint32_t>(sequences.size()));
    if (!fresh) {
      return Status::invalid_input(name + ":" + std::to_string(line) + ": sequence name '" + s.name +
                                   "' is used twice (a name must pick one sequence)");
    }
    sequences.push_back(std::move(s));
    return {};
  }

  Status scan(std::uint64_t first_line);
  bool read_fai(const std::string& fai_path);
};

// One pass over the lines.  A sequence stays "regular" (fetchable by
// arithmetic, as a .fai describes it) while every line but its last has the
// width and line end of its first, no line is wider, and no blank byte sits
// between bases (trailing ones are part of the line end); otherwise its
// bases are copied into `compact`, blank bytes dropped.
Status FastaReader::Impl::scan(std::uint64_t first_line) {
  const char* const base = text.data();
  const std::size_t n = text.size();
  std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;  // a UTF-8 byte-order mark
  std::uint64_t line_no = first_line;
  FastaSequence cur;
  std::uint64_t cur_line = 0;
  bool open = false, regular = true, ended = false;
  auto at_line = [&](std::uint64_t line) { return name + ":" + std::to_string(line) + ": "; };
  // Ends the current sequence at byte `stop`: an irregular one has its bases
  // copied out without line ends or other blank bytes.
  auto finish = [&](std::size_t stop) -> Status {
    if (!open) return {};
    if (!regular) {
      cur.compact.reserve(cur.length);
      for (std::size_t at = cur.offset; at < stop; ++at) {
        if (!is_blank(base[at])) cur.compact += base[at];
      }
      cur.line_bases = cur.line_bytes = 0;
    }
    return add(std::move(cur), cur_line);
  };
  while (pos < n) {
    const char* nl = static_cast<const char*>(std::memchr(base + pos, '\n', n - pos));
    const std::size_t end = nl ? static_cast<std::size_t>(nl - base) : n;
    const std::size_t next = nl ? end + 1 : n;
    std::size_t len = end - pos;
    while (len > 0 && is_blank(base[pos + len - 1])) --len;  // CR and trailing blanks
    const std::string_view line(base + pos, len);
    if (!line.empty() && line.front() == '>') {
      if (Status s = finish(pos); !s) return s;
      if (line.find('\r') != std::string_view::npos) {
        return Status::invalid_input(at_line(line_no) + "a carriage return inside a line: are the line ends " +
                                     "classic Mac (CR only)? hint: convert them with tr '\\r' '\\n'");
      }
      const std::string_view header = line.substr(1);
      const std::size_t cut = std::find_if(header.begin(), header.end(), is_blank) - header.begin();
      cur = FastaSequence{};
      cur.name = std::string(header.substr(0, cut));
      if (cur.name.empty()) {
        return Status::invalid_input(at_line(line_no) + "expected a sequence name right after '>', found '" +
                                     shown(line) + "'");
      }
      if (const std::size_t bad = find_invalid_utf8(cur.name); bad != std::string_view::npos) {
        return Status::invalid_input(at_line(line_no) + "sequence name '" + shown(cur.name) +
                                     "' is not UTF-8 (byte " + std::to_string(bad + 2) + " of the line)");
      }
      cur.offset = next;
      cur_line = line_no;
      open = true;
      regular = true;
      ended = false;
    } else if (!open) {
      if (len > 0) {
        return Status::invalid_input(at_line(line_no) + "expected a '>' header line (FASTA), found '" + shown(line) +
                                     "'; hint: is this file FASTA?");
      }
    } else if (len == 0) {
      ended = true;  // blank lines may end a sequence; bases after one make it irregular
    } else {
      // One pass over the bytes: blanks between bases, and bytes that are not ASCII.
      std::size_t blanks = 0;
      unsigned char high = 0;
      for (std::size_t i = 0; i < len; ++i) {
        const unsigned char c = static_cast<unsigned char>(line[i]);
        blanks += c <= 0x20;
        high |= c;
      }
      if (high & 0x80) {
        const std::size_t col = std::find_if(line.begin(), line.end(), [](char c) { return c & 0x80; }) - line.begin();
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(line[col]));
        return Status::invalid_input(at_line(line_no) + "expected bases (ASCII letters), found byte " + hex +
                                     " at column " + std::to_string(col + 1) + " of sequence '" + cur.name +
                                     "'; hint: is this file FASTA?");
      }
      const std::size_t bytes = next - pos;
      if (cur.length == 0) {
        if (pos != cur.offset) regular = false;  // blank lines before the first bases
        cur.line_bases = len;
        cur.line_bytes = bytes;
      } else if (ended || len > cur.line_bases || (nl != nullptr && len == cur.line_bases && bytes != cur.line_bytes)) {
        regular = false;  // bases after a short or blank line, a wider line, or mixed line ends
      }
      if (blanks > 0) regular = false;  // blanks between bases
      if (len < cur.line_bases) ended = true;
      cur.length += len - blanks;
    }
    pos = next;
    ++line_no;
  }
  return finish(n);
}

// A samtools .fai: NAME LENGTH OFFSET LINEBASES LINEWIDTH per line.  Any
// entry that does not fit the file makes the whole index unusable (the
// caller scans instead).
bool FastaReader::Impl::read_fai(const std::string& fai_path) {
  std::ifstream in(fai_path);
  if (!in) return false;
  std::vector<FastaSequence> seqs;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::array<std::string_view, 5> f;
    std::string_view rest = line;
    for (int i = 0; i < 5; ++i) {
      const std::size_t tab = rest.find('\t');
      f[i] = rest.substr(0, tab);
      rest = tab == std::string_view::npos ? std::string_view{} : rest.substr(tab + 1);
      if (tab == std::string_view::npos && i < 4) return false;
    }
    FastaSequence s;
    s.name = std::string(f[0]);
    std::uint64_t* dst[] = {&s.length, &s.offset, &s.line_bases, &s.line_bytes};
    for (int i = 0; i < 4; ++i) {
      const auto [p, ec] = std::from_chars(f[i + 1].data(), f[i + 1].data() + f[i + 1].size(), *dst[i]);
      if (ec != std::errc() || p != f[i + 1].data() + f[i + 1].size()) return false;
    }
    // Checked without overflow (the numbers are the file's word): the last
    // base lies inside the text, the bases start a line, and the first line
    // ends where the entry says (\n or \r\n): a stale or shifted index is
    // ignored rather than returning line ends as bases.
    const std::uint64_t size = text.size();
    if (s.name.empty() || s.offset > size) return false;
    if (s.length > 0) {
      if (s.line_bases == 0 || s.line_bytes < s.line_bases || s.line_bytes > s.line_bases + 2) return false;
      const std::uint64_t last = s.length - 1;
      const std::uint64_t full_lines = last / s.line_bases;
      if (full_lines > (size - s.offset) / s.line_bytes) return false;
      const std::uint64_t at = s.offset + full_lines * s.line_bytes;
      if (at >= size || size - at <= last % s.line_bases) return false;
      if (s.offset > 0 && text[s.offset - 1] != '\n') return false;
      if (s.length > s.line_bases) {
        const char end_of_first = text[s.offset + s.line_bases];
        if (end_of_first != '\n' && end_of_first != '\r') return false;
      }
    }
    seqs.push_back(std::move(s));
  }
  // An index cut short (the last entries missing) would hide sequences: past
  // the last base of the entry that lies furthest, only line ends may follow.
  if (seqs.empty()) return text.empty();
  const FastaSequence* last_seq = &seqs.front();
  for (const auto& s : seqs) {
    if (s.offset > last_seq->offset) last_seq = &s;
  }
  if (last_seq->length > 0) {
    const std::uint64_t last = last_seq->length - 1;
    const std::uint64_t tail = last_seq->offset + last / last_seq->line_bases * last_seq->line_bytes +
                               last % last_seq->line_bases + 1;
    for (std::uint64_t at = tail; at < text.size(); ++at) {
      if (!is_blank(text[at])) return false;
    }
  }
  for (auto& s : seqs) {
    if (!add(std::move(s), 0)) return false;
  }
  return true;
}

FastaReader::FastaReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
FastaReader::FastaReader(FastaReader&&) noexcept = default;
FastaReader& FastaReader::operator=(FastaReader&&) noexcept = default;
FastaReader::~FastaReader() = default;

Result<FastaReader> FastaReader::open(const std::string& path, int threads) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::io(path + ": cannot open FASTA file: " + std::strerror(errno));
  struct stat st {};
  unsigned char magic[2] = {0, 0};
  const bool stat_ok = ::fstat(fd, &st) == 0;
  const bool gzip = stat_ok && S_ISREG(st.st_mode) && ::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f &&
                    magic[1] == 0x8b;
  if (!stat_ok || !S_ISREG(st.st_mode) || gzip) {
    ::close(fd);
    if (stat_ok && S_ISDIR(st.st_mode)) return Status::io(path + ": is a directory, not a FASTA file");
    auto in = read_input(path, threads);  // gzip, BGZF, or a pipe
    if (!in.is_ok()) return in.status();
    impl->inflated = std::move(in->text);
    impl->text = std::string_view(impl->inflated.data(), impl->inflated.size());
  } else {
    const bool mapped = impl->mapped.map(fd, static_cast<std::size_t>(st.st_size));
    const int err = errno;
    ::close(fd);
    if (!mapped) return Status::io(path + ": cannot map FASTA file: " + std::strerror(err));
    impl->text = impl->mapped.view();
    struct stat fai {};
    const std::string fai_path = path + ".fai";
    if (::stat(fai_path.c_str(), &fai) == 0 &&
        (fai.st_mtim.tv_sec > st.st_mtim.tv_sec ||
         (fai.st_mtim.tv_sec == st.st_mtim.tv_sec && fai.st_mtim.tv_nsec >= st.st_mtim.tv_nsec))) {
      if (impl->read_fai(fai_path)) return FastaReader(std::move(impl));
      impl->sequences.clear();
      impl->by_name.clear();
    }
  }
  if (Status s = impl->scan(1); !s) return s;
  return FastaReader(std::move(impl));
}

Result<FastaReader> FastaReader::index_text(std::string_view text, std::string name, std::uint64_t first_line,
                                            std::shared_ptr<const void> owner) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::move(name);
  impl->text = text;
  impl->owner = std::move(owner);
  if (Status s = impl->scan(first_line); !s) return s;
  return FastaReader(std::move(impl));
}

const std::string& FastaReader::name() const { return impl_->name; }

std::span<const FastaSequence> FastaReader::sequences() const { return impl_->sequences; }

const FastaSequence* FastaReader::find(std::string_view name) const {
  const auto it = impl_->by_name.find(name);
  return it == impl_->by_name.end() ? nullptr : &impl_->sequences[it->second];
}

void FastaReader::copy(const FastaSequence& s, std::uint64_t start, std::uint64_t end, char* dst) const {
  if (end < start) return;
  if (s.line_bases == 0) {
    std::memcpy(dst, s.compact.data() + (start - 1), end - start + 1);
    return;
  }
  std::uint64_t p = start - 1;  // 0-based base position
  std::uint64_t left = end - start + 1;
  while (left > 0) {
    const std::uint64_t in_line = p % s.line_bases;
    const std::uint64_t take = std::min(left, s.line_bases - in_line);
    std::memcpy(dst, impl_->text.data() + s.offset + p / s.line_bases * s.line_bytes + in_line, take);
    dst += take;
    p += take;
    left -= take;
  }
}

void FastaReader::append(const FastaSequence& s, std::uint64_t start, std::uint64_t end, std::string& out) const {
  if (end < start) return;
  const std::size_t at = out.size();
  out.resize(at + (end - start + 1));
  copy(s, start, end, out.data() + at);
}

Result<std::string> FastaReader::fetch(std::string_view name, std::int64_t start, std::int64_t end) const {
  const FastaSequence* s = find(name);
  if (s == nullptr) {
    return Status::not_found(impl_->name + ": no sequence named '" + std::string(name) + "' (it has " +
                             std::to_string(impl_->sequences.size()) + " sequences)");
  }
  if (start < 1 || end < start - 1 || static_cast<std::uint64_t>(end) > s->length) {
    return Status::invalid_argument(impl_->name + ": " + std::string(name) + ":" + std::to_string(start) + "-" +
                                    std::to_string(end) + " is outside the sequence (1-" +
                                    std::to_string(s->length) + ")");
  }
  std::string out;
  append(*s, static_cast<std::uint64_t>(start), static_cast<std::uint64_t>(end), out);
  if (const std::size_t bad = first_non_ascii(out); bad != std::string::npos) {
    return Status::invalid_input(impl_->name + ": " + std::string(name) + ":" +
                                 std::to_string(start + static_cast<std::int64_t>(bad)) +
                                 " is not a base (a byte that is not ASCII): is the .fai beside it for another file?");
  }
  return out;
}

namespace {
constexpr std::array<char, 256> complement_table() {
  std::array<char, 256> t{};
  for (int i = 0; i < 256; ++i) t[i] = static_cast<char>(i);
  const char from[] = "ACGTUMRWSYKVHDBNacgtumrwsykvhdbn";
  const char to[] = "TGCAAKYWSRMBDHVNtgcaakywsrmbdhvn";
  for (int i = 0; from[i] != '\0'; ++i) t[static_cast<unsigned char>(from[i])] = to[i];
  return t;
}
constexpr std::array<char, 256> kComplement = complement_table();
}  // namespace

std::size_t first_non_ascii(std::string_view bases) {
  unsigned char high = 0;
  for (char c : bases) high |= static_cast<unsigned char>(c);  // one pass without a branch a byte
  if (!(high & 0x80)) return std::string_view::npos;
  return static_cast<std::size_t>(std::find_if(bases.begin(), bases.end(), [](char c) { return c & 0x80; }) -
                                  bases.begin());
}

void reverse_complement(char* begin, char* end) {
  std::reverse(begin, end);
  for (char* p = begin; p != end; ++p) *p = kComplement[static_cast<unsigned char>(*p)];
}

}  // namespace gffbase
