#pragma once
// Checks of a request against the documented format of the API a sink talks to, for the
// HttpReceiver. Each returns "" when the request is acceptable, else what is wrong.
//   Slack incoming webhooks:  POST JSON {text, attachments:[{color, fields:[{title,value,short}]}]}
//   Teams incoming webhooks:  POST JSON MessageCard {@type, @context, summary|text, sections}
//   Loki push API:            POST /loki/api/v1/push {streams:[{stream:{label:value}, values:[[ns, line]]}]}
//   Elasticsearch bulk API:   POST /_bulk, application/x-ndjson, action line + source line, final \n
//   Falco webhook (Falcosidekick input): POST JSON alert with Falco's keys

#include <string>

#include "outputs/testing/http_receiver.h"

namespace peregrine::outputs::testing {

std::string validate_slack(const ReceivedRequest& r);
std::string validate_teams(const ReceivedRequest& r);
std::string validate_loki(const ReceivedRequest& r);
std::string validate_elasticsearch_bulk(const ReceivedRequest& r);
std::string validate_falco_alert(const ReceivedRequest& r);

}  // namespace peregrine::outputs::testing
