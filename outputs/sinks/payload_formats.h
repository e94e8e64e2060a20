#pragma once
// The request bodies of the HTTP sinks, one implementation file each:
//   webhook_format.cc        Falco's alert JSON, one per request (what Falcosidekick accepts),
//                            or newline-delimited JSON lines when batching
//   slack_format.cc          Slack incoming-webhook message (text + attachment fields)
//   teams_format.cc          Microsoft Teams incoming-webhook MessageCard
//   alertmanager_format.cc   Alertmanager /api/v2/alerts: an array of {labels, annotations, startsAt}
//   loki_format.cc           Loki /loki/api/v1/push: streams of [ns timestamp, line]
//   elasticsearch_format.cc  Elasticsearch /_bulk: action line + document, index by date

#include <memory>
#include <string>
#include <vector>

#include "outputs/sinks/http_sink.h"

namespace peregrine::outputs {

// batch == false: one alert per request, body = the alert JSON (Falcosidekick's input).
// batch == true: up to 500 alerts per request, body = JSON lines (application/x-ndjson).
std::unique_ptr<PayloadFormat> make_webhook_format(bool batch);
// The message text is the sink's text line (its template, else Falco's output line).
std::unique_ptr<PayloadFormat> make_slack_format(std::string username, std::string channel);
std::unique_ptr<PayloadFormat> make_teams_format();
// `label_fields`: output fields that become labels (dots and other invalid characters → `_`).
std::unique_ptr<PayloadFormat> make_alertmanager_format(std::vector<std::string> label_fields,
                                                        int expire_after_seconds);
// `labels`: static stream labels; rule, priority, source and hostname are always added.
std::unique_ptr<PayloadFormat> make_loki_format(std::vector<std::pair<std::string, std::string>> labels);
// `index_pattern`: strftime-style on the alert's UTC time, e.g. "falco-%Y.%m.%d".
std::unique_ptr<PayloadFormat> make_elasticsearch_format(std::string index_pattern);

// Label names Prometheus and Loki accept: [a-zA-Z_][a-zA-Z0-9_]*.
std::string sanitize_label_name(const std::string& name);

}  // namespace peregrine::outputs
