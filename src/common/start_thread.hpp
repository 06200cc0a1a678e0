// Internal: start a thread, or do its work on the calling thread when the
// system cannot start one.
//
// Why: std::thread throws std::system_error when a thread cannot be created
// (a process or user thread limit, `ulimit -u`; no memory for a stack).
// Thrown from a loop that has already started threads, the vector of
// joinable threads was destroyed while unwinding, which calls
// std::terminate: `gffbase ingest --threads 100000` aborted and left its
// temporary file behind.  Every parallel loop here either shares its work
// through a counter (the work a thread would have done is picked up by the
// others) or hands a thread a fixed part (done inline instead), so running
// the function inline is always correct, just less parallel.
#pragma once

#include <memory>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

namespace gffbase::internal {

/// Appends a thread running fn() to `pool`, or runs fn() now when no thread
/// can be started.
template <typename Fn>
void start_or_run(std::vector<std::thread>& pool, Fn&& fn) {
  try {
    pool.emplace_back(fn);  // fn copied: still callable below if the start fails
  } catch (const std::system_error&) {
    fn();
  }
}

/// Starts `thread` running fn(), or runs fn() now when no thread can be
/// started (`thread` then stays empty: nothing to join).
template <typename Fn>
void start_or_run(std::thread& thread, Fn fn) {
  auto task = std::make_shared<Fn>(std::move(fn));  // shared: still callable here if the start fails
  try {
    thread = std::thread([task] { (*task)(); });
  } catch (const std::system_error&) {
    (*task)();
  }
}

}  // namespace gffbase::internal
