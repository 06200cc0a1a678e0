// The gffbase subcommands.  Each returns the process exit status:
// 0 success, 1 failure (bad input, I/O), 2 usage error.
#pragma once

#include <string>
#include <vector>

namespace gffbase::cli {

using Argv = std::vector<std::string>;

int cmd_ingest(const Argv& args);
int cmd_validate(const Argv& args);
int cmd_info(const Argv& args);
int cmd_get(const Argv& args);
int cmd_children(const Argv& args);
int cmd_parents(const Argv& args);
int cmd_region(const Argv& args);
int cmd_export(const Argv& args);
int cmd_derive(const Argv& args);
int cmd_sequences(const Argv& args);

}  // namespace gffbase::cli
