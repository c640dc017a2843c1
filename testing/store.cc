#include "testing/store.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "sim/report/writer.h"

extern char** environ;

namespace harness {

absl::Status MakeDirs(const std::string& path) {
  std::string prefix;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::InternalError(
          absl::StrCat("mkdir ", prefix, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Store> Store::Create(const std::string& root,
                                    const std::string& workload,
                                    absl::Time now) {
  // The same layout as the simulator's --store (sim/report/writer.h).
  absl::StatusOr<std::string> dir = report::CreateRunDir(root, workload, now);
  if (!dir.ok()) return dir.status();
  return Store(*std::move(dir));
}

std::string Store::Path(absl::string_view relative) const {
  return absl::StrCat(dir_, "/", relative);
}

absl::Status Store::WriteFile(absl::string_view relative,
                              absl::string_view text) const {
  std::string path = Path(relative);
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

absl::Status Store::RunGnuplot(absl::string_view script_relative) const {
  std::string script(script_relative);
  std::string log = Path("gnuplot.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string chdir_script =
      absl::StrCat("cd '", dir_, "' && exec gnuplot '", script, "'");
  const char* argv[] = {"/bin/sh", "-c", chdir_script.c_str(), nullptr};
  pid_t pid;
  int rc = posix_spawn(&pid, "/bin/sh", &actions, nullptr,
                       const_cast<char**>(argv), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    return absl::InternalError(absl::StrCat("spawn: ", std::strerror(rc)));
  // Plots take well under a second; a hung gnuplot must not hang the harness.
  absl::Time give_up = absl::Now() + absl::Seconds(20);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (absl::Now() > give_up) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return absl::DeadlineExceededError("gnuplot took over 20 s; killed");
    }
    usleep(5000);
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return absl::NotFoundError(
        "gnuplot not found (install gnuplot-nox: tools/install-deps)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("gnuplot failed; see ", log));
  }
  return absl::OkStatus();
}

}  // namespace harness
