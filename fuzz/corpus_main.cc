// Replays fuzz corpora without libFuzzer: a main() that feeds every file of
// the directories (or files) named on the command line, in name order, to
// the target's LLVMFuzzerTestOneInput, once. Linked with a fuzz target's
// source into an ordinary gcc cc_test (fuzz/BUILD), so `bazel test //...`
// runs every seed and every saved finding (crash-*) as a regression test.
// A violated invariant aborts, and the last "replaying" line names the file.
//
//   bazel test //fuzz:node_corpus_test
//   bazel-bin/fuzz/node_corpus_test fuzz/corpus/node/crash-flush-overflow
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Regular files of `dir` (not hidden), sorted: the replay order is fixed.
std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return files;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    std::string path = dir + "/" + name;
    if (!IsDirectory(path)) files.push_back(path);
  }
  closedir(d);
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (IsDirectory(arg)) {
      std::vector<std::string> files = FilesIn(arg);
      inputs.insert(inputs.end(), files.begin(), files.end());
    } else {
      inputs.push_back(arg);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr,
                 "corpus replay: no input files (args: corpus dirs "
                 "or files); an empty corpus tests nothing\n");
    return 1;
  }
  for (const std::string& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "corpus replay: cannot read %s\n", path.c_str());
      return 1;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replaying %s (%zu bytes)\n", path.c_str(),
                 bytes.size());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                           bytes.size());
  }
  std::fprintf(stderr, "corpus replay: %zu inputs, every invariant held\n",
               inputs.size());
  return 0;
}
