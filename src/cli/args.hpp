// A small, strict command-line parser for the gffbase subcommands.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace gffbase::cli {

struct OptionSpec {
  std::string name;        ///< "--type"
  std::string short_name;  ///< "-t" or ""
  bool takes_value;
  bool repeatable;
  std::string help;
  std::string metavar;
};

struct CommandSpec {
  std::string name;
  std::string usage;       ///< "gffbase region DB REGION... [options]"
  std::string summary;
  std::vector<OptionSpec> options;
};

class Args {
 public:
  /// Parses argv (after the subcommand).  Returns false with `error` set on a
  /// bad option; `--help` sets help_requested().
  bool parse(const CommandSpec& spec, const std::vector<std::string>& argv, std::string& error);
  bool help_requested() const { return help_; }
  bool flag(const std::string& name) const { return values_.count(name) > 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::vector<std::string> values(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  bool help_ = false;
  std::multimap<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

std::string help_text(const CommandSpec& spec);

/// Parses `argv` into `a` for `spec`.  Returns the exit status when the
/// command is already done — 2 after a usage error, 0 after printing --help —
/// and nullopt when it should go on.
std::optional<int> parse_command_line(const CommandSpec& spec, const std::vector<std::string>& argv, Args& a);

/// Prints "gffbase <cmd>: error: ..." to stderr; returns exit code 2 (usage).
int usage_error(const CommandSpec& spec, const std::string& message);

/// Prints a library error to stderr; returns exit code 1.
int report_error(const std::string& command, const std::string& message);

}  // namespace gffbase::cli
