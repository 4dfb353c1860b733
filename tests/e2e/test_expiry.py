#!/usr/bin/env python3
"""Expiry: MAG1 dies silently (SIGKILL: no de-registration, no refresh). The LMA deletes the
binding when its lifetime runs out (RFC 5213 §5.3.1, RFC 6275 §10.3.1) and stops tunnelling
traffic to the HNP."""

import os
import signal
import time
import unittest

import harness
from harness import CN_ADDRESS, MobilityCapture, Testbed, wait_for

LIFETIME_S = 8  # a multiple of 4: the wire carries units of 4 s


class Expiry(unittest.TestCase):
    def test_binding_expires_after_mag_dies(self):
        bed = Testbed("expiry", lifetime_s=LIFETIME_S)
        bed.up(self)
        capture = MobilityCapture(bed, self)
        hnp, address = bed.attach("mag1")
        self.assertEqual(bed.ping("mn", CN_ADDRESS, 3), (3, 3))

        os.kill(bed.pid("mag1"), signal.SIGKILL)
        killed = time.time()
        self.assertIsNotNone(bed.lma_binding())
        wait_for(lambda: bed.lma_binding() is None, LIFETIME_S + 5, "the binding to expire")
        expired = time.time()
        self.assertEqual(bed.pinned_map("lma", "lma_hnp64_v1"), [])

        messages = capture.stop()
        pbu, pba = harness.exchange(messages, "mag1")
        harness.assert_exchange(self, pbu, pba, "mag1", LIFETIME_S, handoff=4, requested="::/0",
                                granted=hnp)
        # The last PBA before the kill (the registration, or a refresh) started the lifetime
        # that ran out; nothing came from MAG1 afterwards.
        last_pba = max(float(m["frame.time_epoch"]) for m in messages
                       if m["mip6.mhtype"] == "6" and float(m["frame.time_epoch"]) < killed)
        self.assertFalse([m for m in harness.pbus(messages, harness.PROXY_COA["mag1"])
                          if float(m["frame.time_epoch"]) > killed])
        lived = expired - last_pba
        self.assertGreaterEqual(lived, LIFETIME_S - 0.2, f"deleted {lived:.2f} s after the PBA")
        self.assertLess(lived, LIFETIME_S + 3, f"deleted {lived:.2f} s after the PBA")

        before = bed.counters("lma")
        self.assertEqual(bed.ping("cn", address, 3, wait=1), (3, 0))
        after = bed.counters("lma")
        self.assertEqual(harness.counter_delta(before, after, "lma_ext_tx_encap"), 0)


if __name__ == "__main__":
    harness.main()
