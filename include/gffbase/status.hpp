// gffbase — error values and the boundary exception.
//
// Contract
// --------
// Inside the core, failures a user can cause (bad input, missing files, a
// corrupt database) are *values*: functions return `Status` or `Result<T>`.
// Programmer errors are asserts.  At the public boundary (CLI, Python) a
// failed Status becomes a `gffbase::Error` exception whose `kind()` tells the
// binding which Python exception class to raise (ValueError vs OSError).
//
// Every error message is meant to be read by a person: it names the file and
// line where one exists, the field, what was expected and what was found.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace gffbase {

/// Broad class of a failure; decides the exception type at the boundary.
enum class ErrorKind : std::uint8_t {
  kInvalidInput,   ///< the annotation text is malformed (ValueError)
  kInvalidArgument,///< a caller-supplied argument is wrong (ValueError)
  kNotFound,       ///< an ID or name does not exist (KeyError in Python)
  kIo,             ///< the operating system refused (OSError)
  kCorrupt,        ///< a .gffdb is truncated, damaged or foreign (OSError)
};

/// A success-or-error value.  Cheap to return when ok (no allocation).
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorKind kind, std::string message) : failure_(Failure{kind, std::move(message)}) {}

  static Status ok() { return {}; }
  static Status invalid_input(std::string m) { return {ErrorKind::kInvalidInput, std::move(m)}; }
  static Status invalid_argument(std::string m) { return {ErrorKind::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {ErrorKind::kNotFound, std::move(m)}; }
  static Status io(std::string m) { return {ErrorKind::kIo, std::move(m)}; }
  static Status corrupt(std::string m) { return {ErrorKind::kCorrupt, std::move(m)}; }

  bool is_ok() const { return !failure_.has_value(); }
  explicit operator bool() const { return is_ok(); }
  /// Only meaningful when !is_ok().
  ErrorKind kind() const { return failure_->kind; }
  /// Empty when ok.
  const std::string& message() const {
    static const std::string kEmpty;
    return failure_ ? failure_->message : kEmpty;
  }

 private:
  struct Failure {
    ErrorKind kind;
    std::string message;
  };
  std::optional<Failure> failure_;
};

/// The exception thrown at the API boundary for a failed Status.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  explicit Error(const Status& s) : Error(s.kind(), s.message()) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

/// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  const Status& status() const {
    static const Status kOk;
    return is_ok() ? kOk : std::get<1>(v_);
  }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  T& operator*() & { return value(); }

  /// Unwraps or throws gffbase::Error — for use at the API boundary only.
  T value_or_throw() && {
    if (!is_ok()) throw Error(std::get<1>(v_));
    return std::get<0>(std::move(v_));
  }

 private:
  std::variant<T, Status> v_;
};

/// Throws gffbase::Error when `s` failed.  Boundary helper.
inline void throw_if_error(const Status& s) {
  if (!s.is_ok()) throw Error(s);
}

}  // namespace gffbase

/// Propagates a failed Status out of the enclosing function.
#define GFFBASE_RETURN_IF_ERROR(expr)          \
  do {                                         \
    ::gffbase::Status _gffbase_st = (expr);    \
    if (!_gffbase_st.is_ok()) return _gffbase_st; \
  } while (0)
