#!/usr/bin/env python3
"""Detach: the MN leaves MAG1's link, MAG1 de-registers (PBU lifetime 0), the LMA keeps the
binding for MinDelayBeforeBCEDelete (RFC 5213 §5.3.5) and then deletes it, its data-plane entry
with it; traffic from the CN to the old HNP no longer reaches any MAG."""

import time
import unittest

import harness
from harness import CN_ADDRESS, MobilityCapture, Testbed, wait_for

LIFETIME_S = 300
MIN_DELAY_S = 3.0


class Detach(unittest.TestCase):
    def test_deregistration_then_delayed_delete(self):
        bed = Testbed("detach", lifetime_s=LIFETIME_S, min_delay_ms=int(MIN_DELAY_S * 1000))
        bed.up(self)
        capture = MobilityCapture(bed, self)
        hnp, address = bed.attach("mag1")
        self.assertEqual(bed.ping("mn", CN_ADDRESS, 5), (5, 5))

        bed.detach()
        wait_for(lambda: (b := bed.lma_binding()) and b["state"] == "deleting", 5,
                 "the LMA to mark the binding for deletion")
        wait_for(lambda: bed.lma_binding() is None, MIN_DELAY_S + 5, "the LMA to delete it")
        deleted_by = time.time()
        self.assertEqual(bed.pinned_map("lma", "lma_hnp64_v1"), [])
        self.assertEqual(bed.bindings("mag1"), [])
        self.assertEqual(bed.pinned_map("mag1", "mag_hnp64_v1"), [])

        messages = capture.stop()
        pbu, pba = harness.exchange(messages, "mag1")
        harness.assert_exchange(self, pbu, pba, "mag1", LIFETIME_S, handoff=4, requested="::/0",
                                granted=hnp)
        pbu, pba = harness.exchange(messages, "mag1", registration=False)
        # A de-registration names the session's HNP (RFC 5213 §6.9.1.3) and is accepted with
        # lifetime 0.
        harness.assert_exchange(self, pbu, pba, "mag1", 0, handoff=4, requested=hnp,
                                granted=hnp)
        # The entry outlived the PBA by MinDelayBeforeBCEDelete (polling adds at most ~0.2 s
        # per query); it did not disappear with the de-registration.
        held = deleted_by - float(pba["frame.time_epoch"])
        self.assertGreaterEqual(held, MIN_DELAY_S - 0.2, f"deleted {held:.2f} s after the PBA")

        # Traffic to the old HNP stops at the LMA: not tunnelled, counted as not bound.
        before = bed.counters("lma")
        self.assertEqual(bed.ping("cn", address, 5, wait=1), (5, 0))
        after = bed.counters("lma")
        self.assertEqual(harness.counter_delta(before, after, "lma_ext_tx_encap"), 0)
        self.assertGreaterEqual(harness.counter_delta(before, after, "lma_ext_pass_not_bound"), 5)


if __name__ == "__main__":
    harness.main()
