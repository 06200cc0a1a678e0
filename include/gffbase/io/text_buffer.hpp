// gffbase — a mutable byte buffer holding one input's text.
//
// The text of a plain file is *mapped* (MAP_PRIVATE, copy-on-write), not
// read: the page cache backs it, nothing is copied, and the few bytes that
// lenient parsing repairs in place are copied on write by the kernel.  The
// text of compressed input lives in an uninitialised heap block (zero-filling
// hundreds of megabytes only to overwrite them costs as much as parsing), or
// — when an ingest inflates it — in a *shared* mapping of the database file
// being written (map_file_region), so the inflated bytes are already where
// the text section goes and are never copied again.
// Move-only; the views handed out live as long as the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace gffbase {

class TextBuffer {
 public:
  TextBuffer() = default;
  TextBuffer(TextBuffer&&) noexcept;
  TextBuffer& operator=(TextBuffer&&) noexcept;
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;
  ~TextBuffer();

  /// Takes over a string's bytes.
  static TextBuffer adopt(std::string s);
  /// An uninitialised heap block of `n` bytes.
  static TextBuffer allocate(std::size_t n);
  /// A private, writable mapping of the first `n` bytes of `fd` (n > 0).
  /// Returns an empty buffer (size 0, data nullptr) when mapping fails.
  static TextBuffer map_file(int fd, std::size_t n);
  /// A shared, writable mapping of bytes [offset, offset + n) of `fd` (open
  /// for reading and writing), whose blocks are allocated first (fallocate)
  /// so that writing through the mapping cannot fault for want of disk
  /// space.  What is written to data() is written to the file.  Returns an
  /// empty buffer when the file system cannot (no fallocate, no mmap).
  static TextBuffer map_file_region(int fd, std::uint64_t offset, std::size_t n);

  char* data() { return data_; }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_, size_}; }
  bool mapped() const { return mapped_; }
  /// For map_file_region buffers: the file (a descriptor owned by the
  /// buffer) and the offset at which data() lies in it; -1 otherwise.
  int region_fd() const { return region_fd_; }
  std::uint64_t region_offset() const { return region_offset_; }
  /// Sets the logical size (<= capacity); the bytes are kept.
  void set_size(std::size_t n) { size_ = n; }
  std::size_t capacity() const { return capacity_; }
  /// Grows the buffer to `n` bytes of capacity, keeping the first size()
  /// bytes (data() may move).  A file region grows in its file; if the file
  /// cannot, the bytes move to the heap (region_fd() becomes -1).
  void grow(std::size_t n);
  /// The first size() bytes in a fresh heap buffer (any kind of buffer).
  TextBuffer heap_copy() const;
  /// For a map_file_region buffer whose bytes are final: remaps the region
  /// read-only at the same addresses (views stay valid) and maps its pages
  /// up front.  Writing the file's dirty pages back then needs no
  /// write-protection of this mapping's entries, which costs a TLB-flush
  /// interrupt to every other core per 4 KiB page.  Writing through data()
  /// afterwards faults.  Best effort; a no-op for other buffers.
  void seal();

  /// For a mapped file: a descriptor of that file (owned by the buffer), so
  /// the bytes can be copied file to file in the kernel (copy_file_range)
  /// instead of through this mapping; -1 otherwise.
  int source_fd() const { return source_fd_; }
  /// A check, usable while source_fd() stays open even after this buffer is
  /// moved, that the mapped file still has the size and modification/change
  /// times it had when it was mapped (a copy from source_fd() then equals
  /// data(), unless the caller changed data() itself).
  std::function<bool()> source_check() const;

 private:
  void release();
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool mapped_ = false;
  std::string string_;  // when adopted from a std::string
  bool from_string_ = false;
  int source_fd_ = -1;
  // map_file_region: the mapping starts at the page holding region_offset_.
  int region_fd_ = -1;
  std::uint64_t region_offset_ = 0;
  char* map_base_ = nullptr;
  std::size_t map_length_ = 0;
  std::int64_t source_size_ = 0, source_mtime_ns_ = 0, source_ctime_ns_ = 0;
};

}  // namespace gffbase
