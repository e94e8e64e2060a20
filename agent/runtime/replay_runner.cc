#include "agent/runtime/replay_runner.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "agent/capture/file_capture.h"
#include "agent/events/event_builder.h"
#include "agent/runtime/alert_queue.h"
#include "agent/runtime/pipeline.h"
#include "agent/runtime/rules_loader.h"
#include "agent/state/state_snapshot.h"
#include "engine/engine.h"

namespace peregrine::agent {

int run_syscall_replay(const ReplayOptions& options) {
  auto fail = [](const std::string& m) {
    std::fprintf(stderr, "peregrine: %s\n", m.c_str());
    return 1;
  };
  engine::Engine engine(engine::system_hostname());
  RulesLoad load = load_rules(engine, options.rules);
  if (!load.rules) {
    for (const std::string& m : load.errors.messages) std::fprintf(stderr, "error: %s\n", m.c_str());
    return fail("rules did not load: " + std::to_string(load.errors.messages.size()) + " errors");
  }
  RulesetHolder holder;
  holder.publish(load.rules->ruleset, load.rules->hash, 0);

  ContainerRegistry containers;
  ProcessTable table(containers);
  UserDb users{std::string(), std::string()};
  std::unique_ptr<EventBuilder> builder;
  auto on_snapshot = [&](const std::string& text) -> Status {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return make_error("snapshot is not JSON");
    UserFiles files{users.passwd_text(), users.group_text()};
    std::vector<LearnedCgroups> cgroups;
    Status s = restore_state(j, table, files, cgroups);
    if (!s) return s;
    if (j.contains("passwd")) users = UserDb(files.passwd, files.group);
    for (LearnedCgroups& c : cgroups) builder->learn_cgroups(c.id, std::move(c.cgroups));
    return {};
  };
  auto capture = FileCapture::open(options.events, on_snapshot);
  if (!capture) return fail(capture.error().message);
  builder = std::make_unique<EventBuilder>(table, users, nullptr, (*capture)->realtime_offset_ns());

  Metrics metrics;
  AlertQueue queue(1u << 30, options.json, {stream_sink(stdout)});
  PipelineOptions po;
  po.hostname = engine.hostname();
  po.matching = options.all_matches ? engine::RuleMatching::kAll : engine::RuleMatching::kFirst;
  Pipeline pipeline(*builder, holder, queue, metrics, po);
  while (!(*capture)->finished()) {
    auto n = (*capture)->next(0, [&](const driver::RawEventView& raw) { pipeline.process(raw); });
    if (!n) return fail(n.error().message);
  }
  queue.drain();
  CaptureStats cs = (*capture)->stats();
  std::fprintf(stderr, "peregrine: replayed %llu events, %llu alerts, %llu undecodable\n",
               static_cast<unsigned long long>(cs.records), static_cast<unsigned long long>(pipeline.alerts()),
               static_cast<unsigned long long>(cs.decode_errors));
  return 0;
}

}  // namespace peregrine::agent
