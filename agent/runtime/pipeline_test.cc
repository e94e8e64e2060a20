// The pipeline over in-memory records (the test capture backend): rules evaluated on built
// events, alerts annotated when incomplete, and a ruleset swap mid-stream that neither loses
// nor doubles an event. Also the capture file round trip: record, then replay, same alerts.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

#include "agent/capture/capture_writer.h"
#include "agent/capture/file_capture.h"
#include "agent/capture/memory_capture.h"
#include "agent/runtime/alert_queue.h"
#include "agent/runtime/interesting_set.h"
#include "agent/runtime/pipeline.h"
#include "agent/state/state_snapshot.h"
#include "driver/reader/record_builder.h"
#include "engine/engine.h"

namespace peregrine::agent {
namespace {

std::string rule(const std::string& name, const std::string& condition) {
  return "- rule: " + name + "\n  desc: test\n  condition: " + condition + "\n  output: \"" + name +
         " %fd.name %proc.name %proc.pname\"\n  priority: WARNING\n";
}

std::vector<uint8_t> open_record(uint32_t tid, const std::string& path, int64_t fd) {
  return driver::RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, tid, tid, fd, 1000 + fd)
      .i64(AT_FDCWD).str(path).u32(O_RDONLY).u32(0).build();
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() {
    ThreadState init;
    init.view.tid = init.view.pid = 1;
    init.view.comm = "systemd";
    table.insert(std::move(init));
    ThreadState cat;
    cat.view.tid = cat.view.pid = 42;
    cat.view.ppid = 1;
    cat.view.comm = "cat";
    cat.view.cwd = "/";
    table.insert(std::move(cat));
  }

  std::shared_ptr<const engine::Ruleset> load(const std::string& text) {
    auto r = engine.load_texts({{"rules.yaml", text}});
    EXPECT_TRUE(r.ruleset) << (r.report.files.empty() || r.report.files[0].errors.empty()
                                   ? "" : r.report.files[0].errors[0].to_string());
    return r.ruleset;
  }

  std::vector<std::string> lines() {
    std::lock_guard lock(mu);
    return out;
  }

  engine::Engine engine{"node"};
  ContainerRegistry containers;
  ProcessTable table{containers};
  UserDb users{"/"};
  EventBuilder builder{table, users, nullptr, 0};
  RulesetHolder holder;
  Metrics metrics;
  std::mutex mu;
  std::vector<std::string> out;
  AlertQueue queue{1000, false, {[this](const std::string& l) {
                     std::lock_guard lock(mu);
                     out.push_back(l);
                   }}};
};

TEST_F(PipelineTest, SwapBetweenEventsLosesAndDoublesNothing) {
  holder.publish(load(rule("old", "evt.type = openat and fd.name startswith /data/")), "a", 0);
  Pipeline pipeline(builder, holder, queue, metrics, {"node", engine::RuleMatching::kFirst, engine::Priority::kDebug});
  std::vector<std::vector<uint8_t>> records;
  for (int i = 0; i < 100; ++i) records.push_back(open_record(42, "/data/f" + std::to_string(i), 3));
  MemoryCapture source(records, 1);
  int delivered = 0;
  while (!source.finished()) {
    ASSERT_TRUE(source.next(0, [&](const driver::RawEventView& raw) {
      pipeline.process(raw);
      if (++delivered == 50) holder.publish(load(rule("new", "evt.type = openat and fd.name startswith /data/")), "b", 0);
    }).ok());
  }
  queue.drain();
  auto got = lines();
  ASSERT_EQ(got.size(), 100u);
  for (int i = 0; i < 100; ++i) {
    std::string expect = std::string(i < 50 ? "old" : "new") + " /data/f" + std::to_string(i) + " cat systemd";
    EXPECT_NE(got[i].find(expect), std::string::npos) << got[i];
  }
  EXPECT_EQ(metrics.events.load(), 100u);
}

TEST_F(PipelineTest, IncompleteAndDroppedAlertsSaySo) {
  holder.publish(load(rule("any open", "evt.type = openat")), "a", 0);
  engine::Alert captured;
  AlertQueue json_queue(10, true, {[&](const std::string& l) { captured.message = l; }});
  Pipeline pipeline(builder, holder, json_queue, metrics, {"node", engine::RuleMatching::kFirst, engine::Priority::kDebug});
  pipeline.set_total_drops(7);
  auto rec = open_record(777, "/x", 3);  // a thread the agent never saw
  pipeline.process(*driver::decode_event(rec));
  json_queue.drain();
  EXPECT_NE(captured.message.find("\"peregrine.drops_since_last_alert\":7"), std::string::npos) << captured.message;
  EXPECT_NE(captured.message.find("\"peregrine.incomplete\":true"), std::string::npos) << captured.message;
  // The next alert, with no new drops and a known thread, carries neither.
  auto rec2 = open_record(42, "/y", 4);
  pipeline.process(*driver::decode_event(rec2));
  json_queue.drain();
  EXPECT_EQ(captured.message.find("peregrine."), std::string::npos) << captured.message;
}

TEST_F(PipelineTest, MinimumPriorityFilters) {
  holder.publish(load(rule("warn", "evt.type = openat")), "a", 0);
  Pipeline pipeline(builder, holder, queue, metrics, {"node", engine::RuleMatching::kFirst, engine::Priority::kError});
  auto rec = open_record(42, "/x", 3);
  pipeline.process(*driver::decode_event(rec));
  queue.drain();
  EXPECT_TRUE(lines().empty());
}

TEST_F(PipelineTest, InterestingSetIsRulesPlusState) {
  auto rs = load(rule("exec", "evt.type = execve"));
  auto set = interesting_event_types(rs->for_source("syscall"));
  using driver::Interest;
  EXPECT_EQ(set[PEREGRINE_EVT_CODE_EXECVE], Interest::kFull);
  EXPECT_EQ(set[PEREGRINE_EVT_CODE_OPENAT], Interest::kStateOnly);  // fd tracking
  EXPECT_EQ(set[PEREGRINE_EVT_PROCEXIT], Interest::kStateOnly);
  EXPECT_FALSE(driver::sends(set, PEREGRINE_EVT_CODE_KILL));

  auto with_close = load(rule("closing", "evt.type = close and fd.name = /etc/shadow"));
  set = interesting_event_types(with_close->for_source("syscall"));
  EXPECT_EQ(set[PEREGRINE_EVT_CODE_CLOSE], Interest::kFull) << "a rule reads it: in full";
  EXPECT_EQ(set[PEREGRINE_EVT_CODE_OPENAT], Interest::kStateOnly);
}

TEST_F(PipelineTest, CaptureFileRoundTripRebuildsState) {
  std::string path = (std::filesystem::temp_directory_path() / ("cap_" + std::to_string(::getpid()))).string();
  {
    auto w = CaptureWriter::create(path, 5000);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->write_snapshot(snapshot_state(table, {"root:x:0:0:root:/root:/bin/sh\n", "root:x:0:\n"}).dump()).ok());
    auto rec = open_record(42, "/data/a", 3);
    ASSERT_TRUE((*w)->write_record(rec).ok());
    ASSERT_TRUE((*w)->flush().ok());
  }
  ContainerRegistry c2;
  ProcessTable t2(c2);
  UserFiles files;
  std::vector<LearnedCgroups> cgroups;
  int records = 0;
  auto cap = FileCapture::open(path, [&](const std::string& text) -> Status {
    return restore_state(nlohmann::json::parse(text), t2, files, cgroups);
  });
  ASSERT_TRUE(cap.ok()) << cap.error().message;
  EXPECT_EQ((*cap)->realtime_offset_ns(), 5000);
  ASSERT_TRUE((*cap)->next(0, [&](const driver::RawEventView& raw) {
    ++records;
    EXPECT_EQ(raw.type(), PEREGRINE_EVT_CODE_OPENAT);
  }).ok());
  EXPECT_EQ(records, 1);
  EXPECT_TRUE((*cap)->finished());
  ASSERT_NE(t2.find(42), nullptr);
  EXPECT_EQ(t2.find(42)->view.parent->comm, "systemd");
  EXPECT_EQ(files.passwd, "root:x:0:0:root:/root:/bin/sh\n");
  std::filesystem::remove(path);

  auto bad = FileCapture::open("/etc/hostname", nullptr);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not a Peregrine capture"), std::string::npos);
}

}  // namespace
}  // namespace peregrine::agent
