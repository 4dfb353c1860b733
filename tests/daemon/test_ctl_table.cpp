#include "table.hpp"

#include <gtest/gtest.h>

namespace xpmip::ctl {
namespace {

using daemon::Command;
using nlohmann::json;

TEST(CtlTable, ColumnsAlignWithoutTrailingSpaces) {
  EXPECT_EQ(render_table({"A", "LONGER", "C"}, {{"xxxx", "y", "z"}, {"1", "22", ""}}),
            "A     LONGER  C\n"
            "xxxx  y       z\n"
            "1     22\n");
  EXPECT_EQ(render_table({"ONLY"}, {}), "ONLY\n");
  EXPECT_EQ(render_table({}, {{"k:", "v"}, {"key:", "value"}}), "k:    v\nkey:  value\n");
}

TEST(CtlTable, LmaBindings) {
  const json result = json::parse(R"([
    {"mn_id":"mn1@xpmip.test","hnps":["2001:db8:1:1::/64","2001:db8:1:2::/64"],
     "proxy_coa":"2001:db8:ffff:1::1","access_tech":3,"handoff_indicator":1,
     "mn_link_layer_id":"02:00:00:00:01:01","state":"bound","lifetime_s":3600,
     "lifetime_left_s":3590,"age_s":10},
    {"mn_id":"mn2","hnps":["2001:db8:2::/64"],"proxy_coa":"2001:db8:ffff:2::1","access_tech":4,
     "handoff_indicator":3,"mn_link_layer_id":null,"state":"deleting","lifetime_s":0,
     "lifetime_left_s":9,"age_s":100}])");
  EXPECT_EQ(render_result(Command::kBindings, result),
            "MN-ID           HNP                                  PROXY-COA           MN-LL-ID    "
            "       ATT  HI  STATE     LIFETIME  LEFT   AGE\n"
            "mn1@xpmip.test  2001:db8:1:1::/64,2001:db8:1:2::/64  2001:db8:ffff:1::1  "
            "02:00:00:00:01:01  3    1   bound     3600s     3590s  10s\n"
            "mn2             2001:db8:2::/64                      2001:db8:ffff:2::1  -        "
            "          4    3   deleting  0s        9s     100s\n");
}

TEST(CtlTable, MagBindingsWithNulls) {
  const json result = json::parse(R"([
    {"mn_id":"mn1@xpmip.test","interface":"acc1","mn_mac":"02:00:00:00:01:01",
     "hnps":["2001:db8:1:1::/64"],"lma":"2001:db8:ffff::1","access_tech":3,"handoff_indicator":1,
     "state":"bound","lifetime_left_s":100,"age_s":3,"last_status":0},
    {"mn_id":"mn9","interface":"acc2","mn_mac":null,"hnps":[],"lma":"2001:db8:ffff::1",
     "access_tech":3,"handoff_indicator":1,"state":"registering","lifetime_left_s":null,
     "age_s":0,"last_status":null}])");
  EXPECT_EQ(render_result(Command::kBindings, result),
            "MN-ID           IFACE  MAC                HNP                LMA               "
            "STATE        LEFT  AGE  STATUS\n"
            "mn1@xpmip.test  acc1   02:00:00:00:01:01  2001:db8:1:1::/64  2001:db8:ffff::1  "
            "bound        100s  3s   0\n"
            "mn9             acc2   -                  -                  2001:db8:ffff::1  "
            "registering  -     0s   -\n");
}

TEST(CtlTable, EmptyBindings) {
  EXPECT_EQ(render_result(Command::kBindings, json::array()), "no bindings\n");
}

TEST(CtlTable, Status) {
  const json result = json::parse(R"({"role":"lma","instance":"lma","version":"0.1.0","pid":123,
    "uptime_s":12,"address":"2001:db8:ffff::1","bindings":1,"policy_file":"/etc/xpmip/policy.toml",
    "dataplane":{"pin_dir":"/sys/fs/bpf/xpmip/lma","attachments":[{"program":"lma_external",
    "interface":"ext0","ifindex":3,"link_id":7,"prog_id":42,"mode":"native"}]}})");
  EXPECT_EQ(render_result(Command::kStatus, result),
            "role:         lma\n"
            "instance:     lma\n"
            "version:      0.1.0\n"
            "pid:          123\n"
            "uptime_s:     12\n"
            "address:      2001:db8:ffff::1\n"
            "bindings:     1\n"
            "policy_file:  /etc/xpmip/policy.toml\n"
            "pin_dir:      /sys/fs/bpf/xpmip/lma\n"
            "\n"
            "PROGRAM       INTERFACE  IFINDEX  MODE    LINK  PROG\n"
            "lma_external  ext0       3        native  7     42\n");
}

TEST(CtlTable, Stats) {
  const json result = json::parse(R"({"signalling":{"pbas_sent":5,"handoffs":1},
    "pba_status":{"0":4,"154":1},
    "dataplane":{"lma_ext_tx_encap":{"packets":3,"bytes":354}}})");
  EXPECT_EQ(render_result(Command::kStats, result),
            "SIGNALLING  COUNT\n"
            "handoffs    1\n"
            "pbas_sent   5\n"
            "\n"
            "PBA-STATUS  COUNT\n"
            "0           4\n"
            "154         1\n"
            "\n"
            "DATAPLANE         PACKETS  BYTES\n"
            "lma_ext_tx_encap  3        354\n");
}

TEST(CtlTable, ActionsAndOddShapesNeverThrow) {
  EXPECT_EQ(render_result(Command::kPolicyReload, json{{"mags", 2}, {"mobile_nodes", 3}}),
            "mags:          2\nmobile_nodes:  3\n");
  EXPECT_EQ(render_result(Command::kMnDetach, json("deregistering mn1")), "deregistering mn1\n");
  EXPECT_EQ(render_result(Command::kMnAttach, json()), "ok\n");
  // A result of an unexpected shape (another daemon version) still renders.
  EXPECT_EQ(render_result(Command::kBindings, json{{"x", 1}}), "{\"x\":1}\n");
  EXPECT_EQ(render_result(Command::kStats, json(5)),
            "SIGNALLING  COUNT\n\nPBA-STATUS  COUNT\n\nDATAPLANE  PACKETS  BYTES\n");
  EXPECT_EQ(render_result(Command::kStatus, json::array()).substr(0, 11), "role:      ");
}

TEST(CtlTable, JsonIsTheResultUnchanged) {
  const json result = json::parse(R"({"b":[1,2],"a":null})");
  EXPECT_EQ(render_json(result, false), "{\"a\":null,\"b\":[1,2]}\n");
  EXPECT_EQ(render_json(result, true), "{\n  \"a\": null,\n  \"b\": [\n    1,\n    2\n  ]\n}\n");
}

}  // namespace
}  // namespace xpmip::ctl
