// gffbase — random access to the bases of a FASTA file (or of a .gffdb's
// ##FASTA section), as `samtools faidx` gives it.
//
// Contract
// --------
// * Opening indexes every sequence: its name (the header up to the first
//   space or tab), its length in bases, where its bases start, and the bases
//   and bytes of its full lines.  A plain file is memory-mapped (a fetch
//   touches only the lines it needs); an up-to-date `.fai` beside it (not
//   older than the file, every entry inside the file) is used instead of a
//   scan.  gzip and BGZF files are inflated into memory once.
// * A line's bases are its bytes above 0x20: CR, spaces, tabs and other
//   control bytes are never bases (samtools counts printable characters).
//   Lines of unequal width inside a sequence (hand-edited files, a blank line
//   in the middle) or blanks between bases break the arithmetic a `.fai`
//   relies on: such a sequence is copied once, without its line ends and
//   blanks, so its bases still come back right.  CRLF line ends and trailing
//   blanks are fine either way.  A UTF-8 byte-order mark is skipped.
// * An up-to-date .fai is checked before it is trusted: every entry inside
//   the file (without overflow), its bases starting a line, its first line
//   ending where the entry says.  Otherwise the file is scanned.
// * Bases are returned as stored: soft-masked (lowercase) bases stay
//   lowercase.  reverse_complement() keeps case and maps the IUPAC codes.
// * Errors name the file and line: text before the first '>' header, an
//   empty name, a name that is not UTF-8, a name used twice, a byte in the
//   bases that is not ASCII, classic-Mac (CR only) line ends.  A name or range the file does not hold
//   is kNotFound / kInvalidArgument from fetch(), naming both.
//
// Thread safety: a FastaReader is immutable once opened; fetch() may be
// called from any number of threads.
//
// A plain file stays mapped while its reader lives: rewriting it in place
// meanwhile (rather than writing a new file and renaming it over the old)
// may kill the process with SIGBUS on the next fetch, as with any mapped
// file.  gffbase.fasta opens a new reader when a file's size or time changes.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "gffbase/status.hpp"

namespace gffbase {

struct FastaSequence {
  std::string name;
  std::uint64_t length = 0;      ///< bases
  std::uint64_t offset = 0;      ///< byte of the first base in the text
  std::uint64_t line_bases = 0;  ///< bases per full line (0: the bases are in `compact`)
  std::uint64_t line_bytes = 0;  ///< bytes per full line, line end included
  std::string compact;           ///< the bases of an irregular sequence, line ends removed
};

class FastaReader {
 public:
  /// Opens and indexes `path` (plain, gzip or BGZF; detected from the bytes).
  /// `threads` inflates BGZF blocks in parallel (<= 0: all cores).
  static Result<FastaReader> open(const std::string& path, int threads = 0);
  /// Indexes FASTA text held elsewhere (a .gffdb's ##FASTA section): `text`
  /// must stay valid while `owner` lives; the reader keeps `owner`.
  /// `name` and `first_line` (the line number of text's first line in its
  /// file) only serve error messages.
  static Result<FastaReader> index_text(std::string_view text, std::string name, std::uint64_t first_line,
                                        std::shared_ptr<const void> owner);

  FastaReader(FastaReader&&) noexcept;
  FastaReader& operator=(FastaReader&&) noexcept;
  ~FastaReader();

  /// The path (or name) given when opening.
  const std::string& name() const;
  /// Every sequence, in file order.
  std::span<const FastaSequence> sequences() const;
  /// The sequence called `name`, or nullptr.
  const FastaSequence* find(std::string_view name) const;
  /// Appends bases [start, end] (1-based, closed) of `s` to `out`; requires
  /// 1 <= start <= end + 1 and end <= s.length (checked by fetch(), not here).
  void append(const FastaSequence& s, std::uint64_t start, std::uint64_t end, std::string& out) const;
  /// Copies the same bases to `dst` (end - start + 1 bytes).
  void copy(const FastaSequence& s, std::uint64_t start, std::uint64_t end, char* dst) const;
  /// Bases [start, end] of sequence `name`, checked: kNotFound for an unknown
  /// name, kInvalidArgument for a range outside the sequence.
  Result<std::string> fetch(std::string_view name, std::int64_t start, std::int64_t end) const;

 private:
  struct Impl;
  explicit FastaReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Reverse complement in place (IUPAC codes, case kept; other bytes unchanged).
void reverse_complement(char* begin, char* end);

/// Offset of the first byte of `bases` that is not ASCII, or npos.  A scan
/// refuses such bytes; a file read through its .fai is not scanned, so
/// fetched bases are checked before they leave as text.
std::size_t first_non_ascii(std::string_view bases);

}  // namespace gffbase
