#!/usr/bin/env python3
"""Attach: the MN appears on MAG1's access link, MAG1 registers it (PBU/PBA), the MN forms its
address in the HNP the LMA assigned by SLAAC from MAG1's RA, and its ping to the CN crosses both
tunnel ends in XDP. Then the testbed is torn down and must leave nothing behind."""

import ipaddress
import os
import unittest

import harness
from harness import (CN_ADDRESS, HNP_POOL, LMA_ADDRESS, MN_ID, MN_MAC, PROXY_COA,
                     MobilityCapture, Testbed, run)

LIFETIME_S = 300
PINGS = 20


class Attach(unittest.TestCase):
    def test_attach_slaac_ping_counted_in_xdp(self):
        bed = Testbed("attach", lifetime_s=LIFETIME_S)
        bed.up(self)
        capture = MobilityCapture(bed, self)

        hnp, address = bed.attach("mag1")
        network = ipaddress.ip_network(hnp)
        self.assertEqual(network.prefixlen, 64)
        self.assertTrue(network.subnet_of(HNP_POOL), f"{hnp} not from the pool {HNP_POOL}")
        status = bed.status()
        self.assertEqual((status["mn"]["address"], status["mn"]["prefix"]), (address, hnp))

        lma_binding = bed.lma_binding()
        self.assertEqual(
            {k: lma_binding[k] for k in ("mn_id", "hnps", "proxy_coa", "access_tech",
                                         "handoff_indicator", "mn_link_layer_id", "state",
                                         "lifetime_s")},
            {"mn_id": MN_ID, "hnps": [hnp], "proxy_coa": PROXY_COA["mag1"], "access_tech": 3,
             "handoff_indicator": 4, "mn_link_layer_id": MN_MAC, "state": "bound",
             "lifetime_s": LIFETIME_S})
        [mag_binding] = bed.bindings("mag1")
        self.assertEqual(
            {k: mag_binding[k] for k in ("mn_id", "interface", "mn_mac", "hnps", "lma", "state")},
            {"mn_id": MN_ID, "interface": "acc1", "mn_mac": MN_MAC, "hnps": [hnp],
             "lma": LMA_ADDRESS, "state": "bound"})
        self.assertEqual(bed.bindings("mag2"), [])
        # The kernel's view: one /64 entry in each node's exact-match map.
        self.assertEqual(len(bed.pinned_map("lma", "lma_hnp64_v1")), 1)
        self.assertEqual(len(bed.pinned_map("mag1", "mag_hnp64_v1")), 1)
        self.assertEqual(len(bed.pinned_map("mag2", "mag_hnp64_v1")), 0)

        # One echo first: it may meet an unresolved neighbour (the CN), which the data plane
        # hands to the kernel once (docs/dataplane.md "First contact"). Then every packet must
        # take the XDP paths.
        self.assertEqual(bed.ping("mn", CN_ADDRESS, 1), (1, 1))
        before = {node: bed.counters(node) for node in ("lma", "mag1")}
        self.assertEqual(bed.ping("mn", CN_ADDRESS, PINGS), (PINGS, PINGS))
        after = {node: bed.counters(node) for node in ("lma", "mag1")}
        for node, counter in (("mag1", "mag_access_tx_encap"), ("lma", "lma_core_tx_decap"),
                              ("lma", "lma_ext_tx_encap"), ("mag1", "mag_core_tx_decap")):
            rise = harness.counter_delta(before[node], after[node], counter)
            self.assertGreaterEqual(rise, PINGS, f"{node} {counter}")

        messages = capture.stop()
        pbu, pba = harness.exchange(messages, "mag1")
        harness.assert_exchange(self, pbu, pba, "mag1", LIFETIME_S, handoff=4, requested="::/0",
                                granted=hnp)

        # Teardown leaves nothing: namespaces, daemons, pins, sockets, files.
        pids = [status["daemons"][n]["pid"] for n in ("lma", "mag1", "mag2")]
        bed.script("down")
        names = run(["ip", "netns", "list"]).stdout
        for node in ("cn", "lma", "mag1", "mag2", "mn", "net", "air"):
            self.assertNotIn(bed.ns(node), names)
        for pid in pids:
            self.assertFalse(os.path.exists(f"/proc/{pid}"), f"xpmipd {pid} still running")
        for node in ("lma", "mag1", "mag2"):
            self.assertFalse(os.path.exists(f"/sys/fs/bpf/xpmip/{bed.instance(node)}"))
            self.assertFalse(os.path.exists(f"/run/xpmip/{bed.instance(node)}.sock"))
        self.assertFalse(bed.run_dir.exists())


if __name__ == "__main__":
    harness.main()
