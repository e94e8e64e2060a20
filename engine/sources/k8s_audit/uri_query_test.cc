#include "engine/sources/k8s_audit/uri_query.h"

#include <gtest/gtest.h>

namespace peregrine::engine::k8s_audit {
namespace {

TEST(AuditUriQuery, FindsFirstDecodedValue) {
  std::string_view uri =
      "/api/v1/namespaces/ns/pods/p/exec?command=%2Fbin%2Fsh&command=-c&tty=true";
  EXPECT_EQ(uri_query_param(uri, "command"), "/bin/sh");
  EXPECT_EQ(uri_query_param(uri, "tty"), "true");
  EXPECT_EQ(uri_query_param(uri, "stdin"), std::nullopt);
}

TEST(AuditUriQuery, FormEncodingAndEdgeCases) {
  EXPECT_EQ(uri_query_param("/x?q=a+b%20c", "q"), "a b c");
  EXPECT_EQ(uri_query_param("/x?label%3D=v", "label="), "v");
  EXPECT_EQ(uri_query_param("/x?flag", "flag"), "");
  EXPECT_EQ(uri_query_param("/x?a=1#a=2", "a"), "1");
  EXPECT_EQ(uri_query_param("/x?a=1&&b=2", "b"), "2");
  EXPECT_EQ(uri_query_param("/x", "a"), std::nullopt);
  EXPECT_EQ(uri_query_param("/x?a=%4", "a"), std::nullopt);   // truncated escape
  EXPECT_EQ(uri_query_param("/x?a=%zz", "a"), std::nullopt);  // not hex
  EXPECT_EQ(uri_query_param("/x?%zz=1&a=2", "a"), "2");       // a bad key only skips its pair
}

TEST(AuditUriQuery, FormDecode) {
  std::string out;
  EXPECT_TRUE(form_decode("%41%62+c", out));
  EXPECT_EQ(out, "Ab c");
  EXPECT_FALSE(form_decode("%", out));
  EXPECT_FALSE(form_decode("%1", out));
}

}  // namespace
}  // namespace peregrine::engine::k8s_audit
