// gffbase — the string hash used by the on-disk ID and attribute indexes.
//
// The hash is part of the file format: changing it changes every .gffdb.  It
// reads 8 bytes at a time and finishes with a 64-bit avalanche (the
// MurmurHash3 finaliser constants), which is plenty for hash tables probed
// with full-key verification.  Not for security.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace gffbase {

inline std::uint64_t hash_mix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t seed = 0x9E3779B97F4A7C15ULL) {
  constexpr std::uint64_t kMul = 0x87c37b91114253d5ULL;
  std::uint64_t h = seed ^ (s.size() * kMul);
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ hash_mix64(w)) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    // The 1-7 byte tail without a variable-length copy: two overlapping
    // 4-byte loads, or three single bytes.
    std::uint64_t w;
    if (n >= 4) {
      std::uint32_t a, b;
      std::memcpy(&a, p, 4);
      std::memcpy(&b, p + n - 4, 4);
      w = a | (std::uint64_t(b) << 32);
    } else {
      w = std::uint64_t(static_cast<unsigned char>(p[0])) |
          (std::uint64_t(static_cast<unsigned char>(p[n / 2])) << 8) |
          (std::uint64_t(static_cast<unsigned char>(p[n - 1])) << 16);
    }
    h = (h ^ hash_mix64(w ^ (std::uint64_t(n) << 56))) * kMul;
  }
  return hash_mix64(h);
}

/// The key's share of hash_attribute: a seed for hashing that key's values
/// (callers that meet one key many times hash it once).
inline std::uint64_t attribute_key_seed(std::string_view key) { return hash_bytes(key) ^ 0x5bd1e9955bd1e995ULL; }

/// Hash of one attribute (key, value) pair for the key=value index.
inline std::uint64_t hash_attribute(std::string_view key, std::string_view value) {
  return hash_bytes(value, attribute_key_seed(key));
}

/// One key=value index entry: the upper 32 bits of hash_attribute, then a
/// row (or, during parsing, a record) number.  Sorting the packed values
/// sorts by hash, then row; a lookup scans the run of its hash and verifies
/// each candidate against the parsed text, so collisions cost time, never
/// correctness.
inline std::uint64_t attribute_entry(std::string_view key, std::string_view value, std::uint32_t row) {
  return (hash_attribute(key, value) & 0xFFFFFFFF00000000ULL) | row;
}

/// attribute_entry with the key given by its attribute_key_seed.
inline std::uint64_t attribute_entry_seeded(std::uint64_t key_seed, std::string_view value, std::uint32_t row) {
  return (hash_bytes(value, key_seed) & 0xFFFFFFFF00000000ULL) | row;
}

}  // namespace gffbase
