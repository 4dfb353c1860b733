#!/usr/bin/env python3
"""Handover MAG1 -> MAG2: the MN keeps its address, a ping flow from the CN running across the
handover continues, MAG2 registers the MN with the LMA under the same HNP, and MAG1's binding
and data-plane entry are gone. Then back to MAG1, which serves the MN again."""

import re
import unittest

import harness
from harness import (CN_ADDRESS, LMA_ADDRESS, MN_ID, PROXY_COA, MobilityCapture, Testbed,
                     wait_for)

LIFETIME_S = 300
FLOW_INTERVAL_S = 0.02
FLOW_PACKETS = 500  # 10 s of a 50 packets/s flow


class Handover(unittest.TestCase):
    def test_handover_keeps_address_and_flow(self):
        # MinDelayBeforeBCEDelete stays at 10 s: MAG1 de-registers first (break before make) and
        # the LMA must still hold the entry when MAG2's PBU arrives (RFC 5213 §5.3.5).
        bed = Testbed("handover", lifetime_s=LIFETIME_S, min_delay_ms=10000)
        bed.up(self)
        capture = MobilityCapture(bed, self)
        hnp, address = bed.attach("mag1")
        self.assertEqual(bed.ping("cn", address, 1), (1, 1))

        flow = bed.popen_in("cn", "ping", "-6", "-n", "-c", FLOW_PACKETS, "-i", FLOW_INTERVAL_S,
                            "-W", "1", address)
        self.addCleanup(harness.reap, flow)
        wait_for(lambda: bed.counters("lma").get("lma_ext_tx_encap", 0) > 50, 10,
                 "the flow to reach the MN")
        bed.handover("mag2")
        binding = wait_for(lambda: (b := bed.lma_binding()) and b["proxy_coa"] ==
                           PROXY_COA["mag2"] and b["state"] == "bound" and b, 20,
                           "the LMA binding to move to MAG2")
        self.assertEqual(binding["hnps"], [hnp])
        self.assertEqual(binding["mn_id"], MN_ID)
        self.assertIn((address, 64, False), bed.mn_global_addresses())
        out, _ = flow.communicate(timeout=FLOW_PACKETS * FLOW_INTERVAL_S + 30)
        replies = {int(n) for n in re.findall(r"icmp_seq=(\d+)", out)}
        lost = FLOW_PACKETS - len(replies)
        print(f"handover: {lost} of {FLOW_PACKETS} echoes lost "
              f"(~{lost * FLOW_INTERVAL_S * 1000:.0f} ms without service)")
        # The flow survived: its last 50 echoes (the final second) were all answered.
        self.assertTrue(set(range(FLOW_PACKETS - 50 + 1, FLOW_PACKETS + 1)) <= replies,
                        f"flow did not resume after the handover; lost {lost}")

        self.assertEqual(bed.ping("mn", CN_ADDRESS, 10), (10, 10))
        # MAG1's state is gone, in the daemon and in its data plane.
        wait_for(lambda: bed.bindings("mag1") == [], 10, "MAG1 to drop its binding")
        self.assertEqual(bed.pinned_map("mag1", "mag_hnp64_v1"), [])
        [mag2] = bed.bindings("mag2")
        self.assertEqual((mag2["mn_id"], mag2["hnps"], mag2["lma"], mag2["state"]),
                         (MN_ID, [hnp], LMA_ADDRESS, "bound"))
        self.assertEqual(len(bed.pinned_map("mag2", "mag_hnp64_v1")), 1)
        self.assertEqual(len(bed.pinned_map("lma", "lma_hnp64_v1")), 1)

        # And back: MAG1 serves the MN again, with the same prefix and address.
        bed.handover("mag1")
        binding = wait_for(lambda: (b := bed.lma_binding()) and b["proxy_coa"] ==
                           PROXY_COA["mag1"] and b["state"] == "bound" and b, 20,
                           "the LMA binding to move back to MAG1")
        self.assertEqual(binding["hnps"], [hnp])
        wait_for(lambda: (address, 64, False) in bed.mn_global_addresses(), 10, "the address")
        self.assertEqual(bed.ping("mn", CN_ADDRESS, 5), (5, 5))
        self.assertEqual(bed.ping("cn", address, 5), (5, 5))
        wait_for(lambda: bed.bindings("mag2") == [], 10, "MAG2 to drop its binding")

        messages = capture.stop()
        pbu, pba = harness.exchange(messages, "mag1")
        harness.assert_exchange(self, pbu, pba, "mag1", LIFETIME_S, handoff=4, requested="::/0",
                                granted=hnp)
        # Break before make, as seen on the wire: MAG1 de-registers the session's HNP first...
        dereg, dereg_pba = harness.exchange(messages, "mag1", registration=False)
        harness.assert_exchange(self, dereg, dereg_pba, "mag1", 0, handoff=4, requested=hnp,
                                granted=hnp)
        # ...then MAG2 registers. It cannot know where the MN came from: handoff state unknown
        # (HI 4, RFC 5213 §6.9.1.1); it asks for no particular prefix and the LMA, finding the
        # MN's entry, returns its HNP (§5.4.1).
        pbu, pba = harness.exchange(messages, "mag2")
        harness.assert_exchange(self, pbu, pba, "mag2", LIFETIME_S, handoff=4, requested="::/0",
                                granted=hnp)
        self.assertLess(float(dereg_pba["frame.time_epoch"]), float(pbu["frame.time_epoch"]))


if __name__ == "__main__":
    harness.main()
