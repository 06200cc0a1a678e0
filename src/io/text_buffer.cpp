#include "gffbase/io/text_buffer.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gffbase {

TextBuffer::TextBuffer(TextBuffer&& o) noexcept { *this = std::move(o); }

TextBuffer& TextBuffer::operator=(TextBuffer&& o) noexcept {
  if (this == &o) return *this;
  release();
  from_string_ = o.from_string_;
  mapped_ = o.mapped_;
  size_ = o.size_;
  capacity_ = o.capacity_;
  source_fd_ = std::exchange(o.source_fd_, -1);
  source_size_ = o.source_size_;
  source_mtime_ns_ = o.source_mtime_ns_;
  source_ctime_ns_ = o.source_ctime_ns_;
  region_fd_ = std::exchange(o.region_fd_, -1);
  region_offset_ = o.region_offset_;
  map_base_ = std::exchange(o.map_base_, nullptr);
  map_length_ = std::exchange(o.map_length_, 0);
  if (from_string_) {
    string_ = std::move(o.string_);
    data_ = string_.data();
  } else {
    data_ = o.data_;
  }
  o.data_ = nullptr;
  o.size_ = o.capacity_ = 0;
  o.mapped_ = o.from_string_ = false;
  return *this;
}

TextBuffer::~TextBuffer() { release(); }

void TextBuffer::release() {
  if (from_string_) {
    std::string().swap(string_);
  } else if (map_base_) {
    ::munmap(map_base_, map_length_);
  } else if (mapped_) {
    if (data_) ::munmap(data_, capacity_);
  } else {
    delete[] data_;
  }
  if (source_fd_ >= 0) ::close(source_fd_);
  if (region_fd_ >= 0) ::close(region_fd_);
  source_fd_ = region_fd_ = -1;
  map_base_ = nullptr;
  map_length_ = 0;
  data_ = nullptr;
  size_ = capacity_ = 0;
  mapped_ = from_string_ = false;
}

namespace {
std::int64_t nanoseconds(const struct timespec& t) { return std::int64_t(t.tv_sec) * 1000000000 + t.tv_nsec; }
}  // namespace

std::function<bool()> TextBuffer::source_check() const {
  return [fd = source_fd_, size = source_size_, mtime = source_mtime_ns_, ctime = source_ctime_ns_] {
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0) return false;
    return st.st_size == size && nanoseconds(st.st_mtim) == mtime && nanoseconds(st.st_ctim) == ctime;
  };
}

TextBuffer TextBuffer::adopt(std::string s) {
  TextBuffer b;
  // A short string lives inside the object (SSO) and would move with it;
  // views must survive moves, so force heap storage.
  if (s.capacity() < 64) s.reserve(64);
  b.string_ = std::move(s);
  b.from_string_ = true;
  b.data_ = b.string_.data();
  b.size_ = b.capacity_ = b.string_.size();
  return b;
}

TextBuffer TextBuffer::allocate(std::size_t n) {
  TextBuffer b;
  b.data_ = new char[n == 0 ? 1 : n];  // default-initialised: no zero fill
  b.size_ = b.capacity_ = n;
  return b;
}

TextBuffer TextBuffer::map_file(int fd, std::size_t n) {
  TextBuffer b;
  if (n == 0) return b;
  struct stat st {};
  if (::fstat(fd, &st) != 0) return b;
  void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return b;
  ::madvise(p, n, MADV_SEQUENTIAL);
#ifdef MADV_POPULATE_READ
  // Every page is read (checksum, parse): mapping them all in one call costs
  // far less than a fault per 4 KiB.  (MAP_POPULATE would pre-fault this
  // private writable mapping for writing, copying every page.)  Best effort.
  ::madvise(p, n, MADV_POPULATE_READ);
#endif
  b.data_ = static_cast<char*>(p);
  b.size_ = b.capacity_ = n;
  b.mapped_ = true;
  b.source_fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  b.source_size_ = st.st_size;
  b.source_mtime_ns_ = nanoseconds(st.st_mtim);
  b.source_ctime_ns_ = nanoseconds(st.st_ctim);
  return b;
}

namespace {
std::uint64_t page_size() { return static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)); }

// Allocates the file's blocks for [offset, offset + n) (the file grows to
// cover them).  Only a real allocation will do — writing through a shared
// mapping of a sparse range raises SIGBUS when the disk fills up — so this
// asks the kernel, not posix_fallocate (which emulates itself by writing
// zeros where the file system lacks fallocate).
bool allocate_blocks(int fd, std::uint64_t offset, std::uint64_t n) {
  for (;;) {
    if (::fallocate(fd, 0, static_cast<off_t>(offset), static_cast<off_t>(n)) == 0) return true;
    if (errno != EINTR) return false;
  }
}
}  // namespace

TextBuffer TextBuffer::map_file_region(int fd, std::uint64_t offset, std::size_t n) {
  TextBuffer b;
  if (n == 0) return b;
  if (!allocate_blocks(fd, offset, n)) return b;
  const std::uint64_t start = offset & ~(page_size() - 1);
  const std::size_t length = static_cast<std::size_t>(offset - start) + n;
  void* p = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, static_cast<off_t>(start));
  if (p == MAP_FAILED) return b;
  b.region_fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (b.region_fd_ < 0) {
    ::munmap(p, length);
    return b;
  }
  b.map_base_ = static_cast<char*>(p);
  b.map_length_ = length;
  b.region_offset_ = offset;
  b.data_ = b.map_base_ + (offset - start);
  b.size_ = b.capacity_ = n;
  return b;
}

TextBuffer TextBuffer::heap_copy() const {
  TextBuffer b = allocate(size_);
  if (size_) std::memcpy(b.data_, data_, size_);
  return b;
}

void TextBuffer::seal() {
  if (!map_base_ || size_ == 0) return;
  const std::uint64_t start = region_offset_ - static_cast<std::uint64_t>(data_ - map_base_);
  // MAP_FIXED replaces the writable mapping in one step: a thread reading
  // the text meanwhile waits for the new mapping, never sees a hole.
  void* p = ::mmap(map_base_, map_length_, PROT_READ, MAP_SHARED | MAP_FIXED, region_fd_, static_cast<off_t>(start));
  if (p == MAP_FAILED) return;  // the writable mapping is still in place
#ifdef MADV_POPULATE_READ
  // The pages are in the page cache (just written): map them in one call,
  // whole folios at a time, instead of one fault per 64 KiB as they are read.
  ::madvise(map_base_, static_cast<std::size_t>(data_ - map_base_) + size_, MADV_POPULATE_READ);
#endif
}

void TextBuffer::grow(std::size_t n) {
  if (n <= capacity_) return;
  if (map_base_) {
    const std::size_t head = static_cast<std::size_t>(data_ - map_base_);
    if (allocate_blocks(region_fd_, region_offset_ + capacity_, n - capacity_)) {
      void* p = ::mremap(map_base_, map_length_, head + n, MREMAP_MAYMOVE);
      if (p != MAP_FAILED) {
        map_base_ = static_cast<char*>(p);
        map_length_ = head + n;
        data_ = map_base_ + head;
        capacity_ = n;
        return;
      }
    }
    // The file cannot grow: carry on in memory.
  }
  char* fresh = new char[n];
  if (size_) std::memcpy(fresh, data_, size_);
  const std::size_t keep = size_;
  release();
  data_ = fresh;
  size_ = keep;
  capacity_ = n;
}

}  // namespace gffbase
