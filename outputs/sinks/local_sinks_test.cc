// stdout, file and program sinks: what they write, logrotate reopen, program restart.
#include <cstdio>
#include <filesystem>
#include <set>
#include <unistd.h>

#include <gtest/gtest.h>

#include "outputs/core/renderer.h"
#include "outputs/sinks/file_sink.h"
#include "outputs/sinks/program_sink.h"
#include "outputs/sinks/stdout_sink.h"
#include "outputs/testing/child_process.h"
#include "outputs/testing/test_alerts.h"

namespace peregrine::outputs {
namespace {
using testing::read_text_file;

std::vector<Record> records(int n) {
  std::vector<Record> out;
  for (int i = 0; i < n; ++i)
    out.push_back(Renderer{}.render(
        testing::make_alert("r" + std::to_string(i), engine::Priority::kError, {}, uint64_t(i))));
  return out;
}

int count_lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(StdoutSink, WritesJsonOrTextLines) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  auto recs = records(2);
  ASSERT_TRUE(StdoutSink(StdoutSink::Format::kJson, fds[1]).deliver(recs).ok());
  ASSERT_TRUE(StdoutSink(StdoutSink::Format::kText, fds[1]).deliver(recs).ok());
  ::close(fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  ::close(fds[0]);
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = out.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(out.substr(start, end - start));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(lines[1])["rule"], "r1");
  EXPECT_EQ(lines[2], recs[0].text);
  EXPECT_NE(lines[3].find(": Error A shell was spawned"), std::string::npos);
}

TEST(FileSink, AppendsJsonLinesAndReopensAfterRotation) {
  testing::TempDir dir;
  FileSink sink(dir.file("alerts.json"), true);
  ASSERT_TRUE(sink.deliver(records(3)).ok());
  // logrotate: move the file away, then SIGHUP → reopen.
  std::filesystem::rename(dir.file("alerts.json"), dir.file("alerts.json.1"));
  ASSERT_TRUE(sink.deliver(records(1)).ok());  // still the old (renamed) file
  sink.reopen();
  ASSERT_TRUE(sink.deliver(records(2)).ok());
  EXPECT_EQ(count_lines(read_text_file(dir.file("alerts.json.1"))), 4);
  std::string fresh = read_text_file(dir.file("alerts.json"));
  EXPECT_EQ(count_lines(fresh), 2);
  EXPECT_EQ(nlohmann::json::parse(fresh.substr(0, fresh.find('\n')))["rule"], "r0");
}

TEST(FileSink, UnwritablePathIsAFailedDelivery) {
  FileSink sink("/nonexistent-dir/alerts.json", true);
  auto st = sink.deliver(records(1));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("/nonexistent-dir/alerts.json"), std::string::npos);
}

// True once `pid` has exited (a zombie awaiting its reaper counts).
bool wait_exited(pid_t pid) {
  for (int i = 0; i < 1000; ++i) {
    std::string stat = read_text_file("/proc/" + std::to_string(pid) + "/stat");
    auto close = stat.rfind(')');
    if (stat.empty() || (close != std::string::npos && stat.substr(close + 2, 1) == "Z")) return true;
    ::usleep(10000);
  }
  return false;
}

TEST(ProgramSink, PipesLinesAndRestartsACommandThatExits) {
  testing::TempDir dir;
  std::string out = dir.file("out.txt");
  // Each life of the command takes one line and exits.
  ProgramSink sink("read line; echo \"$line\" >> '" + out + "'", true);
  std::set<pid_t> lives;
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(sink.deliver(records(1)).ok());
    lives.insert(sink.pid());
    ASSERT_TRUE(wait_exited(sink.pid()));
  }
  EXPECT_EQ(lives.size(), 4u);
  std::string text = read_text_file(out);
  ASSERT_EQ(count_lines(text), 4);
  EXPECT_EQ(nlohmann::json::parse(text.substr(0, text.find('\n')))["rule"], "r0");
}

TEST(ProgramSink, ACommandThatCannotReadFailsTheBatch) {
  // `exec <&-` closes its stdin at once: the write finds no reader (EPIPE, not SIGPIPE death).
  ProgramSink sink("exec 0<&-; sleep 5", true);
  std::vector<Record> big;
  for (auto& r : records(1)) big.push_back(r);
  big[0].json["output_fields"]["pad"] = std::string(1 << 20, 'x');  // more than a pipe holds
  EXPECT_FALSE(sink.deliver(big).ok());
}

}  // namespace
}  // namespace peregrine::outputs
