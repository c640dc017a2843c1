// Runs the node transcripts in counter/testdata/*.txt (etcd-io/raft's
// datadriven style; the format is in counter/testdata/README.md): each file
// is a script of inputs to one counter::Node with their virtual time, each
// followed by the node's exact outputs. A block whose output differs fails
// the file's test, naming the file and line.
//
// After an intended behaviour change, rewrite the expected outputs and read
// the diff before committing it:
//
//   bazel run //counter:transcript_test -- --rewrite    # or REWRITE=1
//   git diff counter/testdata/
#include <dirent.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "counter/node.h"
#include "gtest/gtest.h"
#include "kvclient/message.h"

namespace counter {
namespace {

using Json = kvclient::Json;

constexpr char kTestdata[] = "counter/testdata";
const absl::Time kT0 = absl::UnixEpoch();

bool g_rewrite = false;  // --rewrite or REWRITE=1

// One command of a script, as parsed: the lines before it (comments and
// blank lines, kept verbatim on rewrite), the command, its expected output.
struct Block {
  std::vector<std::string> preamble;
  std::string command;
  int line = 0;  // of the command, 1-based
  std::vector<std::string> expected;
};

// Splits a script into blocks. A block is `command`, `----`, then output
// lines up to the next blank line (or the end).
std::vector<Block> Parse(const std::string& text, std::string* error) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  std::vector<Block> blocks;
  Block block;
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#') {
      block.preamble.push_back(line);
      continue;
    }
    block.command = line;
    block.line = static_cast<int>(i + 1);
    if (i + 1 >= lines.size() || lines[i + 1] != "----") {
      *error = absl::StrCat("line ", i + 2, ": want ---- after a command");
      return {};
    }
    for (i += 2; i < lines.size() && !lines[i].empty(); ++i) {
      block.expected.push_back(lines[i]);
    }
    blocks.push_back(std::move(block));
    block = Block();
  }
  if (!block.preamble.empty()) {
    Block tail;  // trailing comments: kept, nothing to run
    tail.preamble = std::move(block.preamble);
    blocks.push_back(std::move(tail));
  }
  return blocks;
}

// "503ms"; fractions of a millisecond as absl prints durations.
std::string Ms(absl::Time t) {
  absl::Duration d = t - kT0;
  if (d % absl::Milliseconds(1) == absl::ZeroDuration()) {
    return absl::StrCat(absl::ToInt64Milliseconds(d), "ms");
  }
  return absl::FormatDuration(d);
}

// The transcripts' defaults: n1's timings pinned so the scripts do not move
// with Options' defaults, incarnation a, and the KV-read modes (auto as it
// was before pushes) unless a script asks for dissemination=push.
Options Pinned() {
  Options options;
  options.incarnation = 0xa;
  options.refresh_interval = absl::Milliseconds(500);
  options.max_refresh_interval = absl::Seconds(2);
  options.sync_grace = absl::Milliseconds(50);
  options.auto_push = false;
  return options;
}

bool SetDuration(absl::string_view value, absl::Duration* out) {
  return absl::ParseDuration(value, out);
}

bool SetSize(absl::string_view value, size_t* out) {
  uint64_t n = 0;
  if (!absl::SimpleAtoi(value, &n)) return false;
  *out = n;
  return true;
}

// Applies one `key=value` of a `node` or `restart` command.
bool SetOption(absl::string_view key, absl::string_view value, Options* o) {
  if (key == "incarnation") return absl::SimpleHexAtoi(value, &o->incarnation);
  if (key == "pn") return absl::SimpleAtob(value, &o->allow_negative);
  if (key == "auto_push") return absl::SimpleAtob(value, &o->auto_push);
  if (key == "jitter")
    return absl::SimpleAtob(value, &o->jitter_summary_rounds);
  if (key == "refresh") return SetDuration(value, &o->refresh_interval);
  if (key == "max_refresh") return SetDuration(value, &o->max_refresh_interval);
  if (key == "summary") return SetDuration(value, &o->summary_interval);
  if (key == "sync_grace") return SetDuration(value, &o->sync_grace);
  if (key == "kv_timeout") return SetDuration(value, &o->kv_timeout);
  if (key == "add_deadline") return SetDuration(value, &o->add_deadline);
  if (key == "push_interval") return SetDuration(value, &o->push_interval);
  if (key == "push_heartbeat") return SetDuration(value, &o->push_heartbeat);
  if (key == "push_silence") return SetDuration(value, &o->push_silence);
  if (key == "kv") {
    o->kv_service = std::string(value);
    return KvServiceCanHoldCounter(value);
  }
  if (key == "retry_base") return SetDuration(value, &o->retry_base);
  if (key == "retry_cap") return SetDuration(value, &o->retry_cap);
  if (key == "push_fanout") return absl::SimpleAtoi(value, &o->push_fanout);
  if (key == "summary_min_nodes") {
    return absl::SimpleAtoi(value, &o->summary_min_nodes);
  }
  if (key == "max_pending_adds") return SetSize(value, &o->max_pending_adds);
  if (key == "max_open_attempts") return SetSize(value, &o->max_open_attempts);
  if (key == "max_nodes") return SetSize(value, &o->max_nodes);
  if (key == "dissemination") {
    absl::optional<Dissemination> d = ParseDissemination(value);
    if (d.has_value()) o->dissemination = *d;
    return d.has_value();
  }
  return false;
}

template <typename E>
std::string StateName(E state, std::initializer_list<const char*> names) {
  size_t i = static_cast<size_t>(state);
  return i < names.size() ? names.begin()[i] : "?";
}

// One node and the commands that drive it.
class Session {
 public:
  // Runs one command line; returns its output lines.
  std::vector<std::string> Run(const std::string& command) {
    std::vector<std::string> words =
        absl::StrSplit(command, absl::MaxSplits(' ', 3));
    const std::string& verb = words[0];
    if (verb == "node" || verb == "restart") return Start(words, command);
    if (node_ == nullptr) return {"error: no node yet (start with `node`)"};
    if (verb == "recv" && words.size() == 4) return Recv(words);
    if (verb == "tick" && words.size() == 2) return Tick(words[1]);
    if (verb == "value" && words.size() == 1) return {Value()};
    if (verb == "state" && words.size() == 1) return {State()};
    return {absl::StrCat("error: unknown command: ", command)};
  }

 private:
  // `node [key=value ...]`: a fresh node with the pinned options and these
  // changes. `restart [key=value ...]`: the same id restarted (memory lost)
  // with the last node's options and these changes (a new incarnation).
  std::vector<std::string> Start(const std::vector<std::string>& words,
                                 const std::string& command) {
    if (words[0] == "node") options_ = Pinned();
    std::vector<std::string> args = absl::StrSplit(
        absl::StripPrefix(command, words[0]), ' ', absl::SkipEmpty());
    for (const std::string& arg : args) {
      std::pair<std::string, std::string> kv = absl::StrSplit(arg, '=');
      if (!SetOption(kv.first, kv.second, &options_)) {
        return {absl::StrCat("error: bad option: ", arg)};
      }
    }
    node_ = std::make_unique<Node>(options_);
    return {};
  }

  bool ParseTime(const std::string& word, absl::Time* at) {
    int64_t ms = 0;
    if (!absl::SimpleAtoi(word, &ms)) return false;
    *at = kT0 + absl::Milliseconds(ms);
    return true;
  }

  // `recv <ms> <src> <body>`: n1 receives `body` from `src` at <ms>.
  std::vector<std::string> Recv(const std::vector<std::string>& words) {
    absl::Time at;
    if (!ParseTime(words[1], &at)) return {"error: bad time: " + words[1]};
    Json body = Json::parse(words[3], nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return {"error: bad JSON: " + words[3]};
    node_->Step(kvclient::Message{words[2], "n1", std::move(body)}, at);
    return Drain();
  }

  // `tick <ms>`: the driver wakes the node at <ms>.
  std::vector<std::string> Tick(const std::string& word) {
    absl::Time at;
    if (!ParseTime(word, &at)) return {"error: bad time: " + word};
    node_->Tick(at);
    return Drain();
  }

  // Every message in order, then the log lines, then when to wake.
  std::vector<std::string> Drain() {
    Ready ready = node_->TakeReady();
    std::vector<std::string> out;
    for (const kvclient::Message& m : ready.messages) {
      out.push_back(absl::StrCat(m.src, " -> ", m.dest, " ", m.body.dump()));
    }
    for (const std::string& line : ready.log) out.push_back("log " + line);
    out.push_back(ready.wake_at.has_value() ? "wake " + Ms(*ready.wake_at)
                                            : "wake none");
    return out;
  }

  // `value`: what a client read would answer now without asking seq-kv.
  std::string Value() {
    absl::optional<int64_t> value = node_->ReadValue();
    return value.has_value() ? absl::StrCat("value ", *value) : "value none";
  }

  // `state`: the node's four state machines and its push hops.
  std::string State() {
    const Node& n = *node_;
    return absl::StrCat(
        "own ",
        StateName(n.own_key_state(), {"unloaded", "loading", "idle", "writing",
                                      "unsure", "resolving"}),
        ", round ",
        StateName(n.round_state(),
                  {"off", "waiting", "due", "sync-wanted", "synced"}),
        ", summary push ",
        StateName(n.push_state(), {"idle", "queued", "in-flight",
                                   "in-flight+queued", "reread-queued"}),
        ", push rounds ", StateName(n.gossip_state(), {"off", "waiting"}),
        ", hops ", n.push_hops());
  }

  Options options_;
  std::unique_ptr<Node> node_;
};

struct Outcome {
  std::string rewritten;                // the script with actual outputs
  std::vector<std::string> mismatches;  // one per differing block
};

// Runs a script; `name` prefixes the line numbers in mismatches.
Outcome RunScript(const std::string& name, const std::string& text) {
  Outcome outcome;
  std::string error;
  std::vector<Block> blocks = Parse(text, &error);
  if (!error.empty()) {
    outcome.mismatches.push_back(absl::StrCat(name, ": ", error));
    outcome.rewritten = text;
    return outcome;
  }
  Session session;
  std::vector<std::string> out;
  for (const Block& block : blocks) {
    out.insert(out.end(), block.preamble.begin(), block.preamble.end());
    if (block.command.empty()) continue;  // trailing comments
    std::vector<std::string> actual = session.Run(block.command);
    if (actual != block.expected) {
      outcome.mismatches.push_back(absl::StrCat(
          name, ":", block.line, ": ", block.command, "\n  expected:\n    ",
          absl::StrJoin(block.expected, "\n    "), "\n  actual:\n    ",
          absl::StrJoin(actual, "\n    ")));
    }
    out.push_back(block.command);
    out.push_back("----");
    out.insert(out.end(), actual.begin(), actual.end());
    out.push_back("");
  }
  while (!out.empty() && out.back().empty()) out.pop_back();
  outcome.rewritten = absl::StrCat(absl::StrJoin(out, "\n"), "\n");
  return outcome;
}

std::vector<std::string> TranscriptFiles() {
  std::vector<std::string> names;
  if (DIR* dir = opendir(kTestdata)) {
    while (dirent* entry = readdir(dir)) {
      std::string name = entry->d_name;
      if (absl::EndsWith(name, ".txt")) names.push_back(name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class TranscriptTest : public ::testing::TestWithParam<std::string> {};

TEST_P(TranscriptTest, OutputsAreAsWritten) {
  const std::string name = GetParam();
  const std::string path = absl::StrCat(kTestdata, "/", name);
  const std::string text = ReadFile(path);
  ASSERT_FALSE(text.empty()) << "cannot read " << path;
  Outcome outcome = RunScript(path, text);
  if (!g_rewrite) {
    for (const std::string& mismatch : outcome.mismatches) {
      ADD_FAILURE() << mismatch;
    }
    if (!outcome.mismatches.empty()) {
      ADD_FAILURE() << "if the change is intended: bazel run "
                       "//counter:transcript_test -- --rewrite";
    }
    return;
  }
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  ASSERT_NE(workspace, nullptr)
      << "--rewrite writes the source tree: use bazel run, not bazel test";
  if (outcome.rewritten == text) return;
  std::ofstream(absl::StrCat(workspace, "/", path)) << outcome.rewritten;
  std::cout << "rewrote " << path << " (" << outcome.mismatches.size()
            << " blocks changed)\n";
}

INSTANTIATE_TEST_SUITE_P(Testdata, TranscriptTest,
                         ::testing::ValuesIn(TranscriptFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name =
                               info.param.substr(0, info.param.size() - 4);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(TranscriptFiles, AtLeastOneFileIsThere) {
  EXPECT_GE(TranscriptFiles().size(), 15u) << "in " << kTestdata;
}

// The runner itself has teeth: one changed expected line is a mismatch that
// names its line, and the rewrite puts the actual output back.
TEST(TranscriptRunner, AChangedExpectedLineIsAMismatch) {
  const std::string script =
      "# init, then a read before the own key is loaded\n"
      "node\n----\n\n"
      "recv 0 c0 "
      R"({"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1"]})"
      "\n----\n"
      R"(n1 -> c0 {"in_reply_to":1,"type":"init_ok"})"
      "\n"
      R"(n1 -> seq-kv {"key":"counter/n1","msg_id":1,"type":"read"})"
      "\n"
      "log init as n1 with 1 peers, incarnation a, peer keys rounds every "
      "500ms\n"
      "wake 1000ms\n\n"
      "value\n----\nvalue none\n";
  Outcome good = RunScript("good", script);
  EXPECT_TRUE(good.mismatches.empty()) << absl::StrJoin(good.mismatches, "\n");
  EXPECT_EQ(good.rewritten, script);

  std::string changed = script;
  changed.replace(changed.find("wake 1000ms"), 11, "wake 1001ms");
  Outcome bad = RunScript("bad", changed);
  ASSERT_EQ(bad.mismatches.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(bad.mismatches[0], "bad:5: recv 0 c0"))
      << bad.mismatches[0];
  EXPECT_EQ(bad.rewritten, script);

  Outcome unknown = RunScript("unknown", "node\n----\n\nfly\n----\n");
  ASSERT_EQ(unknown.mismatches.size(), 1u);
  EXPECT_TRUE(absl::StrContains(unknown.rewritten, "error: unknown command"));
}

}  // namespace
}  // namespace counter

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* env = std::getenv("REWRITE");
  counter::g_rewrite = env != nullptr && std::string(env) == "1";
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--rewrite") counter::g_rewrite = true;
  }
  return RUN_ALL_TESTS();
}
