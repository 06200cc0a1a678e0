// Internal: a string_view -> uint32 hash map for the assembler's ID tables.
//
// std::unordered_map<string_view, uint32> was the assembler's largest cost
// after parsing (a node allocation per ID, a pointer chase per probe, and
// rehashing as a million IDs arrive).  This map keeps the entries in one
// vector in insertion order and probes a flat power-of-two table of
// (hash tag, entry index) pairs linearly: one cache line per lookup in the
// common case, and the full key is compared only when the 32-bit tag matches.
// It offers the subset of the std interface the assembler uses; iterators
// point into the entry vector and, like std::vector's, are invalidated by
// insertion.  Keys are views: their bytes must outlive the map.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "gffbase/hash.hpp"
#include "../common/huge_pages.hpp"

namespace gffbase::internal {

class FlatIdMap {
 public:
  using value_type = std::pair<std::string_view, std::uint32_t>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  FlatIdMap() { rehash(16); }

  void reserve(std::size_t n) {
    reserve_huge(entries_, n);
    std::size_t want = 16;
    while (want < 2 * n) want *= 2;
    if (want > slots_.size()) rehash(want);
  }

  std::pair<iterator, bool> try_emplace(std::string_view key, std::uint32_t value) {
    const std::uint64_t h = hash_bytes(key);
    std::size_t i = h & mask_;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (;; i = (i + 1) & mask_) {
      const Slot s = slots_[i];
      if (s.entry == 0) break;
      if (s.tag == tag && entries_[s.entry - 1].first == key) return {entries_.begin() + (s.entry - 1), false};
    }
    entries_.emplace_back(key, value);
    slots_[i] = {tag, static_cast<std::uint32_t>(entries_.size())};
    if (2 * entries_.size() > slots_.size()) rehash(2 * slots_.size());
    return {entries_.end() - 1, true};
  }
  std::pair<iterator, bool> emplace(std::string_view key, std::uint32_t value) { return try_emplace(key, value); }

  iterator find(std::string_view key) {
    const std::uint32_t e = locate(key);
    return e ? entries_.begin() + (e - 1) : entries_.end();
  }
  const_iterator find(std::string_view key) const {
    const std::uint32_t e = locate(key);
    return e ? entries_.begin() + (e - 1) : entries_.end();
  }
  std::size_t count(std::string_view key) const { return locate(key) ? 1 : 0; }

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t entry = 0;  ///< index into entries_ + 1; 0 = empty
  };

  // The entry number (index + 1) of `key`, 0 when absent.
  std::uint32_t locate(std::string_view key) const {
    const std::uint64_t h = hash_bytes(key);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot s = slots_[i];
      if (s.entry == 0) return 0;
      if (s.tag == tag && entries_[s.entry - 1].first == key) return s.entry;
    }
  }

  void rehash(std::size_t n) {
    // Huge pages for large tables: lookups are random, and with 4 KiB pages
    // nearly every probe of a GENCODE-scale table also missed the TLB.
    assign_huge(slots_, n, Slot{});
    mask_ = n - 1;
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      const std::uint64_t h = hash_bytes(entries_[e].first);
      std::size_t i = h & mask_;
      while (slots_[i].entry != 0) i = (i + 1) & mask_;
      slots_[i] = {static_cast<std::uint32_t>(h >> 32), static_cast<std::uint32_t>(e + 1)};
    }
  }

  std::vector<value_type> entries_;
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

}  // namespace gffbase::internal
