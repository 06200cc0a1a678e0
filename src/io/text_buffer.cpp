#include "gffbase/io/text_buffer.hpp"

#include <cstring>
#include <utility>

#include <sys/mman.h>

namespace gffbase {

TextBuffer::TextBuffer(TextBuffer&& o) noexcept { *this = std::move(o); }

TextBuffer& TextBuffer::operator=(TextBuffer&& o) noexcept {
  if (this == &o) return *this;
  release();
  from_string_ = o.from_string_;
  mapped_ = o.mapped_;
  size_ = o.size_;
  capacity_ = o.capacity_;
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
  } else if (mapped_) {
    if (data_) ::munmap(data_, capacity_);
  } else {
    delete[] data_;
  }
  data_ = nullptr;
  size_ = capacity_ = 0;
  mapped_ = from_string_ = false;
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
  void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return b;
  ::madvise(p, n, MADV_SEQUENTIAL);
  b.data_ = static_cast<char*>(p);
  b.size_ = b.capacity_ = n;
  b.mapped_ = true;
  return b;
}

void TextBuffer::grow(std::size_t n) {
  if (n <= capacity_) return;
  char* fresh = new char[n];
  if (size_) std::memcpy(fresh, data_, size_);
  const std::size_t keep = size_;
  release();
  data_ = fresh;
  size_ = keep;
  capacity_ = n;
}

}  // namespace gffbase
