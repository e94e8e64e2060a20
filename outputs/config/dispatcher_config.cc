// Dispatcher::from_config: the `outputs:` sequence of the agent's / audit webhook's config file
// (and of the config the operator renders from FalcoOutput resources) → started sink workers.
// The format is documented in outputs/README.md.

#include <set>

#include "common/strings.h"
#include "outputs/config/config_context.h"
#include "outputs/config/settings.h"
#include "outputs/config/sink_factory.h"
#include "outputs/core/dispatcher.h"

namespace peregrine::outputs {
namespace {

#define PEREGRINE_TRY(var, expr)       \
  auto var##_result = (expr);          \
  if (!var##_result.ok()) return var##_result.error(); \
  auto var = std::move(*var##_result)

Result<AlertFilter> read_filter(Settings& s) {
  AlertFilter f;
  PEREGRINE_TRY(min, s.string("minimumPriority", "debug"));
  auto p = engine::parse_priority(min);
  if (!p)
    return s.error("minimumPriority", "is not a priority: '" + min +
                                          "' (emergency, alert, critical, error, warning, notice, "
                                          "informational, debug)");
  f.minimum_priority = *p;
  PEREGRINE_TRY(rules, s.child("rules"));
  PEREGRINE_TRY(include_rules, rules.string_list("include"));
  PEREGRINE_TRY(exclude_rules, rules.string_list("exclude"));
  if (auto st = rules.check_no_unknown_keys(); !st) return st.error();
  PEREGRINE_TRY(tags, s.child("tags"));
  PEREGRINE_TRY(include_tags, tags.string_list("include"));
  PEREGRINE_TRY(exclude_tags, tags.string_list("exclude"));
  if (auto st = tags.check_no_unknown_keys(); !st) return st.error();
  f.include_rules = include_rules;
  f.exclude_rules = exclude_rules;
  f.include_tags = include_tags;
  f.exclude_tags = exclude_tags;
  return f;
}

Result<DeliveryPolicy> read_policy(Settings& s) {
  DeliveryPolicy p;
  PEREGRINE_TRY(d, s.child("delivery"));
  PEREGRINE_TRY(capacity, d.integer("queueCapacity", int64_t(p.queue_capacity), 1, 10000000));
  PEREGRINE_TRY(batch, d.integer("batchSize", int64_t(p.max_batch), 1, 10000));
  PEREGRINE_TRY(retries, d.integer("maxRetries", p.max_retries, 0, 1000));
  PEREGRINE_TRY(base, d.integer("initialBackoffMs", p.backoff_base.count(), 1, 3600000));
  PEREGRINE_TRY(max, d.integer("maxBackoffMs", p.backoff_max.count(), 1, 3600000));
  PEREGRINE_TRY(threshold, d.integer("breakerFailures", p.breaker_failure_threshold, 1, 1000));
  PEREGRINE_TRY(open_ms, d.integer("breakerOpenMs", p.breaker_open_for.count(), 1, 3600000));
  if (auto st = d.check_no_unknown_keys(); !st) return st.error();
  if (max < base) return d.error("maxBackoffMs", "must not be below initialBackoffMs");
  p.queue_capacity = static_cast<size_t>(capacity);
  p.max_batch = static_cast<size_t>(batch);
  p.max_retries = static_cast<uint32_t>(retries);
  p.backoff_base = std::chrono::milliseconds(base);
  p.backoff_max = std::chrono::milliseconds(max);
  p.breaker_failure_threshold = static_cast<uint32_t>(threshold);
  p.breaker_open_for = std::chrono::milliseconds(open_ms);
  return p;
}

Result<std::unique_ptr<SinkWorker>> read_sink(const YAML::Node& node, size_t index,
                                              const ConfigContext& context,
                                              std::set<std::string>& names) {
  std::string where = "outputs[" + std::to_string(index) + "]";
  if (!node.IsMap()) return make_error(where + ": must be a mapping with at least 'name' and 'type'");
  Settings s(node, where, context);
  PEREGRINE_TRY(name, s.required_string("name"));
  s = Settings(node, where + " (" + name + ")", context);
  s.allow("name");
  if (!names.insert(name).second) return make_error(s.where() + ": duplicate sink name");
  PEREGRINE_TRY(type, s.required_string("type"));
  PEREGRINE_TRY(filter, read_filter(s));
  PEREGRINE_TRY(custom_fields, s.string_map("customFields"));
  PEREGRINE_TRY(template_text, s.string("template", ""));
  std::optional<TextTemplate> tmpl;
  if (!template_text.empty()) {
    auto compiled = TextTemplate::compile(template_text);
    if (!compiled.ok()) return s.error("template", compiled.error().message);
    tmpl = std::move(*compiled);
  }
  PEREGRINE_TRY(policy, read_policy(s));
  PEREGRINE_TRY(spool_settings, s.child("spool"));
  PEREGRINE_TRY(spool_dir, spool_settings.path("dir"));
  PEREGRINE_TRY(spool_max, spool_settings.integer("maxBytes", 256ll << 20, 1 << 16, 1ll << 40));
  if (auto st = spool_settings.check_no_unknown_keys(); !st) return st.error();
  PEREGRINE_TRY(sink, make_sink(type, s));
  if (auto st = s.check_no_unknown_keys(); !st) return st.error();
  std::unique_ptr<Spool> spool;
  if (!spool_dir.empty()) {
    auto opened = Spool::open(spool_dir, static_cast<uint64_t>(spool_max));
    if (!opened.ok()) return s.error("spool", opened.error().message);
    spool = std::move(*opened);
  }
  auto random = context.random ? context.random : system_random_source();
  auto backoff = std::make_unique<JitteredBackoff>(policy.backoff_base, policy.backoff_max, random);
  return std::make_unique<SinkWorker>(name, type, std::move(sink), std::move(filter),
                                      Renderer(std::move(custom_fields), std::move(tmpl)), policy,
                                      std::move(backoff), context.clock, std::move(spool));
}

}  // namespace

Result<std::unique_ptr<Dispatcher>> Dispatcher::from_config(const YAML::Node& outputs,
                                                            const ConfigContext& context) {
  std::vector<std::unique_ptr<SinkWorker>> workers;
  if (outputs.IsDefined() && !outputs.IsNull()) {
    if (!outputs.IsSequence()) return make_error("outputs: must be a list of sinks");
    std::set<std::string> names;
    try {
      for (size_t i = 0; i < outputs.size(); ++i) {
        auto worker = read_sink(outputs[i], i, context, names);
        if (!worker.ok()) return worker.error();
        workers.push_back(std::move(*worker));
      }
    } catch (const YAML::Exception& e) {
      return make_error(std::string("outputs: ") + e.what());
    }
  }
  return std::make_unique<Dispatcher>(std::move(workers));
}

}  // namespace peregrine::outputs
