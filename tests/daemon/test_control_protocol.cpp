#include "xpmip/daemon/control_protocol.hpp"

#include <gtest/gtest.h>

#include "xpmip/address.hpp"

namespace xpmip::daemon {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

Ipv6Address addr(std::string_view text) {
  return *parse_ipv6_address(text);
}
Prefix prefix(std::string_view text) {
  return *parse_ipv6_prefix(text);
}

std::string request_error(std::string_view line) {
  auto parsed = parse_request(line);
  EXPECT_FALSE(parsed) << line;
  return parsed ? "" : parsed.error();
}

TEST(ControlProtocol, EveryCommandRoundTrips) {
  const std::vector<Request> requests{
      {Command::kStatus, {}, {}, {}},
      {Command::kBindings, {}, {}, {}},
      {Command::kStats, {}, {}, {}},
      {Command::kPolicyReload, {}, {}, {}},
      {Command::kMnAttach, "acc1", MacAddress{0x02, 0, 0, 0, 1, 1}, {}},
      {Command::kMnAttach, "acc1", {}, "mn1@xpmip.test"},
      {Command::kMnDetach, {}, MacAddress{0x02, 0, 0, 0, 1, 1}, {}},
      {Command::kMnDetach, {}, {}, "mn1@xpmip.test"},
  };
  for (const auto& request : requests) {
    const std::string line = encode_request(request);
    auto parsed = parse_request(line);
    ASSERT_TRUE(parsed) << line << ": " << parsed.error();
    EXPECT_EQ(*parsed, request) << line;
  }
}

TEST(ControlProtocol, WireFormOfRequests) {
  EXPECT_EQ(encode_request({Command::kBindings, {}, {}, {}}), R"({"command":"bindings"})");
  EXPECT_EQ(encode_request({Command::kMnAttach, "acc1", MacAddress{0x02, 0, 0, 0, 1, 0xab}, {}}),
            R"({"command":"mn.attach","interface":"acc1","mac":"02:00:00:00:01:ab"})");
  EXPECT_EQ(encode_request({Command::kMnDetach, {}, {}, "mn1@xpmip.test"}),
            R"({"command":"mn.detach","mn_id":"mn1@xpmip.test"})");
  EXPECT_EQ(encode_request({Command::kPolicyReload, {}, {}, {}}), R"({"command":"policy.reload"})");
}

TEST(ControlProtocol, MalformedRequestsGetPreciseErrors) {
  EXPECT_EQ(request_error("{"), "request is not valid JSON");
  EXPECT_EQ(request_error("[1]"), "request must be a JSON object");
  EXPECT_EQ(request_error("{}"), "request has no \"command\"");
  EXPECT_EQ(request_error(R"({"command":7})"), "\"command\" must be a string");
  EXPECT_EQ(request_error(R"({"command":"bind"})"), "unknown command \"bind\"");
  EXPECT_EQ(request_error(R"({"command":"status","verbose":true})"),
            "unknown field \"verbose\" for status");
  EXPECT_EQ(request_error(R"({"command":"mn.attach","mac":"02:00:00:00:01:01"})"),
            "mn.attach needs \"interface\"");
  EXPECT_EQ(request_error(R"({"command":"mn.attach","interface":"acc1"})"),
            "mn.attach needs exactly one of \"mac\" or \"mn_id\"");
  EXPECT_EQ(request_error(R"({"command":"mn.detach","mac":"02:00:00:00:01:01","mn_id":"a"})"),
            "mn.detach needs exactly one of \"mac\" or \"mn_id\"");
  EXPECT_EQ(request_error(R"({"command":"mn.detach","mac":"zz"})"),
            "\"mac\" is not a MAC address: \"zz\"");
  EXPECT_EQ(request_error(R"({"command":"mn.detach","mn_id":""})"), "\"mn_id\" must not be empty");
  EXPECT_EQ(request_error(R"({"command":"mn.detach","interface":"acc1","mn_id":"a"})"),
            "unknown field \"interface\" for mn.detach");
}

TEST(ControlProtocol, Responses) {
  EXPECT_EQ(encode_ok(json{{"bindings", 2}}), R"({"ok":true,"result":{"bindings":2}})");
  EXPECT_EQ(encode_error("no such MN"), R"({"ok":false,"error":"no such MN"})");
  auto ok = parse_response(R"({"ok":true,"result":[1,2]})");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->result, json::array({1, 2}));
  auto error = parse_response(R"({"ok":false,"error":"bad"})");
  ASSERT_TRUE(error);
  EXPECT_FALSE(error->ok);
  EXPECT_EQ(error->error, "bad");
  EXPECT_FALSE(parse_response("not json"));
  EXPECT_FALSE(parse_response(R"({"ok":true})"));
  EXPECT_FALSE(parse_response(R"({"ok":false})"));
  EXPECT_FALSE(parse_response(R"({"result":1})"));
}

TEST(ControlProtocol, InvalidUtf8InAMessageDoesNotThrow) {
  // An MN-ID from the wire is opaque octets (RFC 4283); encoding must still produce a line.
  EXPECT_EQ(encode_error(std::string("bad \xff id")),
            "{\"ok\":false,\"error\":\"bad \xEF\xBF\xBD id\"}");
}

TEST(ControlProtocol, StatusJsonFields) {
  StatusInfo status;
  status.role = Role::kLma;
  status.instance = "lma";
  status.version = "0.1.0";
  status.pid = 123;
  status.uptime = 12s;
  status.address = addr("2001:db8:ffff::1");
  status.bindings = 1;
  status.policy_file = "/etc/xpmip/policy.toml";
  status.pin_dir = "/sys/fs/bpf/xpmip/lma";
  status.attachments.push_back({"lma_external", "ext0", 3, 7, 42, false});
  status.attachments.push_back({"lma_core", "core0", 4, 8, 43, true});
  EXPECT_EQ(status_json(status).dump(),
            R"({"address":"2001:db8:ffff::1","bindings":1,"dataplane":{"attachments":[)"
            R"({"ifindex":3,"interface":"ext0","link_id":7,"mode":"native","prog_id":42,)"
            R"("program":"lma_external"},{"ifindex":4,"interface":"core0","link_id":8,)"
            R"("mode":"generic","prog_id":43,"program":"lma_core"}],)"
            R"("pin_dir":"/sys/fs/bpf/xpmip/lma"},"instance":"lma","pid":123,)"
            R"("policy_file":"/etc/xpmip/policy.toml","role":"lma","uptime_s":12,)"
            R"("version":"0.1.0"})");
}

TEST(ControlProtocol, LmaBindingsJson) {
  BindingRecord bound;
  bound.mn_id = {1, "mn1@xpmip.test"};
  bound.mn_link_layer_id = {0x02, 0, 0, 0, 0x01, 0x01};
  bound.home_network_prefixes = {prefix("2001:db8:1:1::/64")};
  bound.proxy_coa = addr("2001:db8:ffff:1::1");
  bound.access_tech = AccessTechnology::kIeee8023;
  bound.handoff_indicator = HandoffIndicator::kNewInterface;
  bound.granted_lifetime = 900;  // 3600 s
  bound.time_left = 3590s;
  bound.age = 10s;
  BindingRecord deleting = bound;
  deleting.mn_id = {1, "mn2@xpmip.test"};
  deleting.mn_link_layer_id = {0, 0};  // no MN-LL-ID option (RFC 5213 §5.1)
  deleting.state = BindingState::kPendingDelete;
  const json list = lma_bindings_json({bound, deleting});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].dump(),
            R"({"access_tech":3,"age_s":10,"handoff_indicator":1,"hnps":["2001:db8:1:1::/64"],)"
            R"("lifetime_left_s":3590,"lifetime_s":3600,"mn_id":"mn1@xpmip.test",)"
            R"("mn_link_layer_id":"02:00:00:00:01:01","proxy_coa":"2001:db8:ffff:1::1",)"
            R"("state":"bound"})");
  EXPECT_TRUE(list[1]["mn_link_layer_id"].is_null());
  EXPECT_EQ(list[1]["state"], "deleting");
  EXPECT_EQ(lma_bindings_json({}).dump(), "[]");
}

TEST(ControlProtocol, MagBindingsJson) {
  MagBindingRow row;
  row.view.session = {{1, "mn1@xpmip.test"}, 5};
  row.view.hnps = {prefix("2001:db8:1:1::/64")};
  row.view.lma = addr("2001:db8:ffff::1");
  row.view.access_tech = AccessTechnology::kIeee8023;
  row.view.handoff = HandoffIndicator::kNewInterface;
  row.view.state = MagSessionState::kBound;
  row.view.lifetime_left = 100s;
  row.view.age = 3s;
  row.view.last_status = PbaStatus::kAccepted;
  row.interface = "acc1";
  row.mn_mac = MacAddress{0x02, 0, 0, 0, 1, 1};
  MagBindingRow registering = row;
  registering.view.state = MagSessionState::kRegistering;
  registering.view.lifetime_left.reset();
  registering.view.last_status.reset();
  registering.view.hnps.clear();
  registering.mn_mac.reset();
  const json list = mag_bindings_json({row, registering});
  EXPECT_EQ(list[0].dump(),
            R"({"access_tech":3,"age_s":3,"handoff_indicator":1,"hnps":["2001:db8:1:1::/64"],)"
            R"("interface":"acc1","last_status":0,"lifetime_left_s":100,"lma":"2001:db8:ffff::1",)"
            R"("mn_id":"mn1@xpmip.test","mn_mac":"02:00:00:00:01:01","state":"bound"})");
  EXPECT_EQ(list[1]["state"], "registering");
  EXPECT_TRUE(list[1]["lifetime_left_s"].is_null());
  EXPECT_TRUE(list[1]["last_status"].is_null());
  EXPECT_TRUE(list[1]["mn_mac"].is_null());
  EXPECT_EQ(list[1]["hnps"], json::array());
}

TEST(ControlProtocol, StatsJson) {
  LmaStats lma;
  lma.pba_by_status[0] = 4;
  lma.pba_by_status[154] = 1;
  lma.bindings_created = 2;
  lma.handoffs = 1;
  dataplane::Counters counters{};
  counters[0] = {10, 1000};
  const json stats = lma_stats_json(lma, counters);
  EXPECT_EQ(stats["pba_status"].dump(), R"({"0":4,"154":1})");
  EXPECT_EQ(stats["signalling"]["pbas_sent"], 5);
  EXPECT_EQ(stats["signalling"]["bindings_created"], 2);
  EXPECT_EQ(stats["signalling"]["handoffs"], 1);
  EXPECT_EQ(stats["dataplane"].size(), static_cast<std::size_t>(XPMIP_CTR_COUNT));
  EXPECT_EQ(stats["dataplane"][xpmip_counter_names[0]].dump(), R"({"bytes":1000,"packets":10})");

  MagStats mag;
  mag.pbus_sent = 3;
  mag.pbus_retransmitted = 1;
  mag.pbas_by_status[0] = 2;
  const json mag_stats = mag_stats_json(mag, counters);
  EXPECT_EQ(mag_stats["signalling"]["pbus_sent"], 3);
  EXPECT_EQ(mag_stats["signalling"]["pbus_retransmitted"], 1);
  EXPECT_EQ(mag_stats["signalling"]["pbas_received"], 2);
  EXPECT_EQ(mag_stats["pba_status"].dump(), R"({"0":2})");
}

}  // namespace
}  // namespace xpmip::daemon
