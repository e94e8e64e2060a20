// Parallel evaluation must change nothing but speed: the same alerts as inline evaluation,
// each process's alerts in its events' order, and every event judged by one ruleset.

#include "agent/runtime/eval_workers.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "agent/capture/memory_capture.h"
#include "agent/runtime/pipeline.h"
#include "driver/reader/record_builder.h"
#include "engine/engine.h"

namespace peregrine::agent {
namespace {

class Collector : public AlertOutput {
 public:
  bool push(engine::Alert alert) override {
    std::lock_guard lock(mu_);
    messages_.push_back(alert.rule + " " + alert.message);
    return true;
  }
  std::vector<std::string> messages() {
    std::lock_guard lock(mu_);
    return messages_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> messages_;
};

std::string rules_text(const std::string& name) {
  return "- rule: " + name + "\n  desc: test\n  condition: evt.type = openat and fd.name startswith /data/\n"
         "  output: \"%proc.pid %fd.name %proc.name %proc.pname\"\n  priority: WARNING\n";
}

std::vector<uint8_t> open_record(uint32_t tid, uint32_t tgid, const std::string& path, int64_t fd) {
  return driver::RecordBuilder(PEREGRINE_EVT_CODE_OPENAT, tid, tgid, fd, 1000 + fd)
      .i64(AT_FDCWD).str(path).u32(O_RDONLY).u32(0).build();
}

// Processes 100..107, each with a second thread (tid + 1000), opening files in an interleaved
// order; the recorded stream the runs below replay.
std::vector<std::vector<uint8_t>> recorded_stream() {
  std::vector<std::vector<uint8_t>> records;
  for (int i = 0; i < 3000; ++i) {
    uint32_t tgid = 100 + static_cast<uint32_t>((i * 7) % 8);
    uint32_t tid = i % 3 == 0 ? tgid + 1000 : tgid;
    records.push_back(open_record(tid, tgid, "/data/" + std::to_string(tgid) + "/" + std::to_string(i), 3 + i % 5));
  }
  return records;
}

struct Replay {
  engine::Engine engine{"node"};
  ContainerRegistry containers;
  ProcessTable table{containers};
  UserDb users{"/"};
  EventBuilder builder{table, users, nullptr, 0};
  RulesetHolder holder;
  Metrics metrics;
  Collector out;

  Replay() {
    ThreadState init;
    init.view.tid = init.view.pid = 1;
    init.view.comm = "systemd";
    table.insert(std::move(init));
    for (int64_t pid = 100; pid < 108; ++pid) {
      for (int64_t tid : {pid, pid + 1000}) {
        ThreadState t;
        t.view.tid = tid;
        t.view.pid = pid;
        t.view.ppid = 1;
        t.view.comm = "cat";
        t.view.cwd = "/";
        table.insert(std::move(t));
      }
    }
  }

  std::shared_ptr<const engine::Ruleset> load(const std::string& name) {
    auto r = engine.load_texts({{"rules.yaml", rules_text(name)}});
    EXPECT_TRUE(r.ruleset);
    return r.ruleset;
  }

  // Replays the stream with `threads` workers (0: inline); `reload_at` > 0 publishes a ruleset
  // "new" after that many events.
  std::vector<std::string> replay(size_t threads, int reload_at = 0) {
    holder.publish(load("old"), "a", 0);
    PipelineOptions options{"node", engine::RuleMatching::kFirst, engine::Priority::kDebug};
    std::unique_ptr<EvalWorkers> workers;
    if (threads > 0) workers = std::make_unique<EvalWorkers>(threads, 1u << 16, out, metrics, options);
    Pipeline pipeline(builder, holder, out, metrics, options, workers.get());
    MemoryCapture source(recorded_stream(), 1);
    int delivered = 0;
    while (!source.finished()) {
      EXPECT_TRUE(source.next(0, [&](const driver::RawEventView& raw) {
        pipeline.process(raw);
        if (++delivered == reload_at) holder.publish(load("new"), "b", 0);
      }).ok());
    }
    if (workers) workers->drain();
    EXPECT_EQ(pipeline.alerts(), 3000u);
    return out.messages();
  }
};

// "old 103 /data/103/5 cat systemd" -> 103
std::string pid_of(const std::string& message) {
  size_t a = message.find(' ') + 1;
  return message.substr(a, message.find(' ', a) - a);
}

TEST(EvalWorkers, SameAlertsAsInlineAndPerProcessOrder) {
  Replay inline_run;
  std::vector<std::string> expected = inline_run.replay(0);
  ASSERT_EQ(expected.size(), 3000u);
  Replay parallel_run;
  std::vector<std::string> got = parallel_run.replay(3);
  ASSERT_EQ(got.size(), expected.size());
  EXPECT_EQ(parallel_run.metrics.eval_drops.load(), 0u);

  // Per process, the same alerts in the same order (inline order is event order).
  std::map<std::string, std::vector<std::string>> want_by_pid, got_by_pid;
  for (const auto& m : expected) want_by_pid[pid_of(m)].push_back(m);
  for (const auto& m : got) got_by_pid[pid_of(m)].push_back(m);
  EXPECT_EQ(got_by_pid.size(), 8u);
  EXPECT_EQ(got_by_pid, want_by_pid);
}

TEST(EvalWorkers, ReloadMidStreamJudgesEachEventOnce) {
  Replay run;
  std::vector<std::string> got = run.replay(4, 1500);
  ASSERT_EQ(got.size(), 3000u);
  // The event index is the file name's last component; before 1500 "old", after it "new".
  for (const auto& m : got) {
    int index = std::stoi(m.substr(m.rfind('/') + 1, m.find(' ', m.rfind('/')) - m.rfind('/') - 1));
    EXPECT_EQ(m.substr(0, 3), index < 1500 ? "old" : "new") << m;
  }
}

TEST(EvalWorkers, FullQueueDropsAndCounts) {
  Metrics metrics;
  Collector out;
  engine::Engine engine{"node"};
  auto rules = engine.load_texts({{"rules.yaml", rules_text("old")}}).ruleset;
  ASSERT_TRUE(rules);
  engine::SyscallEvent event;
  {
    // One worker with room for one event; the worker may take the first at once, so submit
    // until the queue is full.
    EvalWorkers workers(1, 1, out, metrics, PipelineOptions{"node", engine::RuleMatching::kFirst, engine::Priority::kDebug});
    int refused = 0;
    for (int i = 0; i < 1000 && refused == 0; ++i) {
      if (!workers.submit(7, EvalJob{std::make_unique<EventSnapshot>(event), rules, false, 0})) ++refused;
    }
    EXPECT_EQ(workers.dropped(), static_cast<uint64_t>(refused));
    EXPECT_EQ(metrics.eval_drops.load(), workers.dropped());
  }
}

TEST(EventSnapshot, OwnsWhatTheViewsReach) {
  auto parent = std::make_unique<engine::ThreadView>();
  parent->comm = "bash";
  auto thread = std::make_unique<engine::ThreadView>();
  thread->comm = "cat";
  thread->parent = parent.get();
  auto fd = std::make_unique<engine::FdView>();
  fd->name = "/etc/shadow";
  std::string text = "/etc/shadow";
  std::vector<engine::SyscallArg> args{{"name", text, 0, false}};
  std::vector<uint8_t> bytes{1, 2, 3};
  engine::SyscallEvent e;
  e.thread = thread.get();
  e.fd = fd.get();
  e.args = args;
  e.buffer = std::span<const uint8_t>(bytes);
  EventSnapshot snap(e);
  parent.reset();
  thread.reset();
  fd.reset();
  text.assign(text.size(), 'x');
  bytes.assign(3, 0);
  const engine::SyscallEvent& s = snap.event();
  EXPECT_EQ(s.thread->comm, "cat");
  EXPECT_EQ(s.thread->parent->comm, "bash");
  EXPECT_EQ(s.thread->parent->parent, nullptr);
  EXPECT_EQ(s.fd->name, "/etc/shadow");
  EXPECT_EQ(s.find_arg("name")->text, "/etc/shadow");
  EXPECT_EQ((*s.buffer)[2], 3);
}

}  // namespace
}  // namespace peregrine::agent
