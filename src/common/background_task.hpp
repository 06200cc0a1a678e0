// Internal: one task run on its own thread while the caller does other work.
//
// Why not a bare std::thread: an exception escaping a thread's function calls
// std::terminate (a bad_alloc during ingest would abort the process and
// leave the caller nothing to report).  BackgroundTask carries the exception
// back and rethrows it from join(); the destructor joins (swallowing the
// exception only when the caller is already unwinding from another one).
#pragma once

#include <exception>
#include <thread>
#include <utility>

#include "start_thread.hpp"

namespace gffbase::internal {

class BackgroundTask {
 public:
  /// Runs f on a new thread, or right here when no thread can be started
  /// (start_or_run): the task is done either way.
  template <typename F>
  explicit BackgroundTask(F&& f) {
    start_or_run(thread_, [this, f = std::forward<F>(f)]() mutable {
      try {
        f();
      } catch (...) {
        error_ = std::current_exception();
      }
    });
  }
  BackgroundTask(const BackgroundTask&) = delete;
  BackgroundTask& operator=(const BackgroundTask&) = delete;
  ~BackgroundTask() {
    if (thread_.joinable()) thread_.join();
  }

  /// Waits for the task; rethrows what it threw.
  void join() {
    if (thread_.joinable()) thread_.join();
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  std::exception_ptr error_;  // declared before thread_: set by the thread, read after join
  std::thread thread_;
};

}  // namespace gffbase::internal
