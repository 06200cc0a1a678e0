// gffbase — the command-line tool: one binary, one subcommand per verb.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include <csignal>

#include <unistd.h>

#include "../common/pending_temp_files.hpp"
#include "commands.hpp"
#include "gffbase/status.hpp"
#include "gffbase/version.hpp"

namespace {

// Ctrl-C, SIGTERM (timeout, batch schedulers), SIGHUP, a broken pipe: the
// temporary file of a database or export being written is removed (when it
// has a name: an unnamed one goes with the process), then the signal takes
// its default course (the exit status still says which).  SIGKILL cannot be
// caught; only a file named in the moment before its rename is left.
extern "C" void remove_temp_files_and_die(int sig) {
  gffbase::internal::remove_pending_temp_files();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// A mapped file cut short under us: plain input is read through a mapping,
// as is a database, and a page past the file's new end raises SIGBUS
// (BUS_ADRERR).  That is another process truncating or rewriting the file in
// place, not a bug here: say so, as an error, instead of "Bus error".  Other
// SIGBUS causes take their default course.
extern "C" void explain_mapped_file_cut_short(int sig, siginfo_t* info, void*) {
  gffbase::internal::remove_pending_temp_files();
  if (info != nullptr && info->si_code == BUS_ADRERR) {
    static const char kMessage[] =
        "gffbase: error: a file being read (the input or the database) was cut short or rewritten in place by "
        "another process while gffbase read it; stopped (a database or -o file being written is not kept)\n"
        "  hint: replace files by writing a new one and renaming it over the old, never in place\n";
    ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    (void)ignored;
    ::_exit(1);
  }
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_signal_handlers() {
  {
    struct sigaction sa {};
    sa.sa_sigaction = explain_mapped_file_cut_short;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, nullptr);
  }
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) {
    struct sigaction old {};
    // A signal the caller ignores stays ignored (nohup's SIGHUP).
    if (::sigaction(sig, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    struct sigaction sa {};
    sa.sa_handler = remove_temp_files_and_die;
    sigemptyset(&sa.sa_mask);
    ::sigaction(sig, &sa, nullptr);
  }
}

struct Subcommand {
  const char* name;
  int (*run)(const gffbase::cli::Argv&);
  const char* summary;
};

constexpr Subcommand kSubcommands[] = {
    {"ingest", gffbase::cli::cmd_ingest, "build a .gffdb from a GFF3/GTF/GFF2 file (plain, gzip, BGZF or stdin)"},
    {"validate", gffbase::cli::cmd_validate, "check an annotation file and report every problem"},
    {"info", gffbase::cli::cmd_info, "counts by type and seqid, provenance and size of a .gffdb"},
    {"get", gffbase::cli::cmd_get, "print features by ID"},
    {"children", gffbase::cli::cmd_children, "print the children of features (any depth or --level N)"},
    {"parents", gffbase::cli::cmd_parents, "print the parents of features (any depth or --level N)"},
    {"region", gffbase::cli::cmd_region, "print features overlapping regions (chr:start-end, or BED on stdin)"},
    {"derive", gffbase::cli::cmd_derive, "introns, splice sites, inter-features, merged intervals, bp covered by children"},
    {"sequences", gffbase::cli::cmd_sequences, "spliced transcript, CDS or feature sequences from a FASTA (FASTA, TSV, JSON lines)"},
    {"export", gffbase::cli::cmd_export, "write the whole database as GFF3, GTF, BED, BED12, TSV or JSON lines"},
};

void print_help() {
  std::printf(
      "usage: gffbase <command> [options]\n\n"
      "gffbase %s — a genome-annotation database engine: GFF3/GTF in, microsecond queries out.\n\n"
      "commands:\n",
      gffbase::kVersion);
  for (const auto& s : kSubcommands) std::printf("  %-10s %s\n", s.name, s.summary);
  std::printf("\nRun `gffbase <command> --help` for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_help();
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    print_help();
    return 0;
  }
  if (cmd == "-V" || cmd == "--version" || cmd == "version") {
    std::printf("gffbase %s\n", gffbase::kVersion);
    return 0;
  }
  install_signal_handlers();
  gffbase::cli::Argv rest(argv + 2, argv + argc);
  for (const auto& s : kSubcommands) {
    if (cmd != s.name) continue;
    try {
      const int status = s.run(rest);
      // Every command writes to stdout: output cut short by a failed write
      // (a full disk behind `> file`, /dev/full) must not exit 0.
      errno = 0;
      if ((std::fflush(stdout) != 0 || std::ferror(stdout)) && status == 0) {
        std::fprintf(stderr, "gffbase %s: error: cannot write the output: %s\n", s.name,
                     errno ? std::strerror(errno) : "I/O error");
        return 1;
      }
      return status;
    } catch (const gffbase::Error& e) {
      std::fprintf(stderr, "gffbase %s: error: %s\n", s.name, e.what());
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "gffbase %s: internal error: %s\n", s.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "gffbase: unknown command '%s' (see `gffbase --help`)\n", cmd.c_str());
  return 2;
}
