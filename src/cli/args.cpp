#include "args.hpp"

#include <cstdio>

namespace gffbase::cli {

bool Args::parse(const CommandSpec& spec, const std::vector<std::string>& argv, std::string& error) {
  bool only_positional = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positional || a == "-" || a.empty() || a[0] != '-') {
      positional_.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positional = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      help_ = true;
      continue;
    }
    std::string name = a, inline_value;
    bool has_inline = false;
    if (const auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
      has_inline = true;
    }
    const OptionSpec* opt = nullptr;
    for (const auto& o : spec.options) {
      if (o.name == name || (!o.short_name.empty() && o.short_name == name)) opt = &o;
    }
    if (!opt) {
      error = "unknown option '" + a + "' (see `gffbase " + spec.name + " --help`)";
      return false;
    }
    if (!opt->takes_value) {
      if (has_inline) {
        error = "option " + opt->name + " takes no value";
        return false;
      }
      values_.emplace(opt->name, "");
      continue;
    }
    std::string v;
    if (has_inline) {
      v = inline_value;
    } else if (i + 1 < argv.size()) {
      v = argv[++i];
    } else {
      error = "option " + opt->name + " needs a value (" + opt->metavar + ")";
      return false;
    }
    if (!opt->repeatable && values_.count(opt->name)) {
      error = "option " + opt->name + " given twice";
      return false;
    }
    values_.emplace(opt->name, v);
  }
  return true;
}

std::optional<std::string> Args::value(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> Args::values(const std::string& name) const {
  std::vector<std::string> out;
  auto [b, e] = values_.equal_range(name);
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

std::string help_text(const CommandSpec& spec) {
  std::string s = "usage: " + spec.usage + "\n\n" + spec.summary + "\n\noptions:\n";
  s += "  -h, --help              show this help and exit\n";
  for (const auto& o : spec.options) {
    std::string left = "  " + (o.short_name.empty() ? std::string() : o.short_name + ", ") + o.name;
    if (o.takes_value) left += " " + o.metavar;
    if (left.size() < 26) left.resize(26, ' ');
    else left += "\n" + std::string(26, ' ');
    s += left + o.help + "\n";
  }
  return s;
}

std::optional<int> parse_command_line(const CommandSpec& spec, const std::vector<std::string>& argv, Args& a) {
  std::string err;
  if (!a.parse(spec, argv, err)) return usage_error(spec, err);
  if (a.help_requested()) {
    std::fputs(help_text(spec).c_str(), stdout);
    return 0;
  }
  return std::nullopt;
}

int usage_error(const CommandSpec& spec, const std::string& message) {
  std::fprintf(stderr, "gffbase %s: error: %s\nusage: %s\n", spec.name.c_str(), message.c_str(), spec.usage.c_str());
  return 2;
}

int report_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "gffbase %s: error: %s\n", command.c_str(), message.c_str());
  return 1;
}

}  // namespace gffbase::cli
