#include "io/health/health_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "io/health/readiness.h"

namespace liminal::io {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const MetricsRenderer kMetrics = [] { return std::string("liminal_up 1\n"); };

TEST(ReadinessTest, ConditionsStartUnmetAndListInDeclarationOrder) {
  Readiness readiness({kConfigLoaded, kListenerBound});
  EXPECT_FALSE(readiness.IsReady());
  EXPECT_THAT(readiness.Unmet(), ElementsAre("config_loaded", "listener_bound"));
  readiness.Set(kListenerBound, true);
  EXPECT_THAT(readiness.Unmet(), ElementsAre("config_loaded"));
  readiness.Set(kConfigLoaded, true);
  EXPECT_TRUE(readiness.IsReady());
  EXPECT_THAT(readiness.Unmet(), IsEmpty());
  readiness.Set(kListenerBound, false);
  EXPECT_FALSE(readiness.IsReady());
}

TEST(ReadinessTest, UnknownConditionsAreIgnored) {
  Readiness readiness({kConfigLoaded});
  readiness.Set("warmed_up", false);
  readiness.Set(kConfigLoaded, true);
  EXPECT_TRUE(readiness.IsReady());
}

TEST(HealthRoutesTest, Health) {
  Readiness readiness({kConfigLoaded});
  const HealthResponse r = RouteHealthRequest("GET", "/health", readiness, kMetrics);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"status":"healthy","message":null})");
}

TEST(HealthRoutesTest, HealthIsIndependentOfReadiness) {
  Readiness readiness({kConfigLoaded});  // not ready
  EXPECT_EQ(RouteHealthRequest("GET", "/health", readiness, kMetrics).status, 200u);
}

TEST(HealthRoutesTest, ReadyAnswers503ListingUnmetConditions) {
  Readiness readiness({kConfigLoaded, kListenerBound});
  readiness.Set(kConfigLoaded, true);
  HealthResponse r = RouteHealthRequest("GET", "/ready", readiness, kMetrics);
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"ready":false,"unmet_conditions":["listener_bound"]})");
  readiness.Set(kConfigLoaded, false);
  EXPECT_EQ(RouteHealthRequest("GET", "/ready", readiness, kMetrics).body,
            R"({"ready":false,"unmet_conditions":["config_loaded","listener_bound"]})");
  readiness.Set(kConfigLoaded, true);
  readiness.Set(kListenerBound, true);
  r = RouteHealthRequest("GET", "/ready", readiness, kMetrics);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, R"({"ready":true,"unmet_conditions":[]})");
}

TEST(HealthRoutesTest, MetricsComeFromTheRenderer) {
  Readiness readiness({});
  const HealthResponse r = RouteHealthRequest("GET", "/metrics", readiness, kMetrics);
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4");
  EXPECT_EQ(r.body, "liminal_up 1\n");
}

TEST(HealthRoutesTest, QueryStringsAreIgnored) {
  Readiness readiness({});
  EXPECT_EQ(RouteHealthRequest("GET", "/ready?verbose=1", readiness, kMetrics).status, 200u);
  EXPECT_EQ(RouteHealthRequest("GET", "/health?", readiness, kMetrics).status, 200u);
}

TEST(HealthRoutesTest, OtherMethodsOnKnownPathsAre405WithAllow) {
  Readiness readiness({});
  for (const char* method : {"POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "get"}) {
    for (const char* path : {"/health", "/ready", "/metrics"}) {
      const HealthResponse r = RouteHealthRequest(method, path, readiness, kMetrics);
      EXPECT_EQ(r.status, 405u) << method << " " << path;
      EXPECT_TRUE(r.allow_get);
    }
  }
}

TEST(HealthRoutesTest, OtherPathsAre404WhateverTheMethod) {
  Readiness readiness({});
  for (const char* path : {"/", "/healthz", "/health/", "/HEALTH", "/metrics/x", "*", ""}) {
    EXPECT_EQ(RouteHealthRequest("GET", path, readiness, kMetrics).status, 404u) << path;
    EXPECT_EQ(RouteHealthRequest("POST", path, readiness, kMetrics).status, 404u) << path;
  }
}

TEST(HealthRoutesTest, BadRequestCarriesTheReason) {
  const HealthResponse r = BadRequestResponse("bad method");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(r.body, "bad request: bad method\n");
}

}  // namespace
}  // namespace liminal::io
