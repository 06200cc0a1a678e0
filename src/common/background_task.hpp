// Internal: one task run on its own thread while the caller does other work.
//
// Why not a bare std::thread: an exception escaping a thread's function calls
// std::terminate (a bad_alloc during ingest would abort the process and
// leave the caller nothing to report).  BackgroundTask carries the exception
// back and rethrows it from join(); the destructor joins (swallowing the
// exception only when the caller is already unwinding from another one).
#pragma once

#include <exception>
#include <functional>
#include <system_error>
#include <thread>
#include <utility>

namespace gffbase::internal {

class BackgroundTask {
 public:
  /// Runs f on a new thread, or right here when no thread can be started
  /// (see start_thread.hpp): the task is done either way.
  template <typename F>
  explicit BackgroundTask(F&& f) : task_(std::forward<F>(f)) {
    try {
      thread_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
      run();
    }
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
  void run() {
    try {
      task_();
    } catch (...) {
      error_ = std::current_exception();
    }
  }

  std::function<void()> task_;
  std::exception_ptr error_;  // declared before thread_: set by the thread, read after join
  std::thread thread_;
};

}  // namespace gffbase::internal
