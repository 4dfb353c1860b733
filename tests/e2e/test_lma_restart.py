#!/usr/bin/env python3
"""LMA daemon restart with a live binding: the XDP programs keep forwarding from the pinned maps
while no daemon runs, the new daemon swaps the programs on the same pinned links, restores the
binding from its state file, and accepts MAG1's next refresh."""

import re
import time
import unittest

import harness
from harness import CN_ADDRESS, PROXY_COA, MobilityCapture, Testbed

LIFETIME_S = 12  # MAG1 refreshes at 80 % of it, i.e. about every 10 s
FLOW_INTERVAL_S = 0.01
FLOW_PACKETS = 600  # 6 s at 100 packets/s


class LmaRestart(unittest.TestCase):
    def test_restart_keeps_forwarding_and_bindings(self):
        bed = Testbed("restart", lifetime_s=LIFETIME_S)
        bed.up(self)
        capture = MobilityCapture(bed, self)
        hnp, address = bed.attach("mag1")
        self.assertEqual(bed.ping("cn", address, 1), (1, 1))
        binding_before = bed.lma_binding()
        status_before = bed.ctl("lma", "status")

        flow = bed.popen_in("cn", "ping", "-6", "-n", "-c", FLOW_PACKETS, "-i", FLOW_INTERVAL_S,
                            "-W", "1", address)
        self.addCleanup(harness.reap, flow)
        time.sleep(1)
        bed.restart("lma")
        restarted = time.time()
        out, _ = flow.communicate(timeout=FLOW_PACKETS * FLOW_INTERVAL_S + 30)
        replies = {int(n) for n in re.findall(r"icmp_seq=(\d+)", out)}
        lost = FLOW_PACKETS - len(replies)
        print(f"LMA restart: {lost} of {FLOW_PACKETS} echoes lost at 100 packets/s")
        self.assertEqual(lost, 0, "the data plane must not stop while the daemon restarts")

        status_after = bed.ctl("lma", "status")
        self.assertNotEqual(status_after["pid"], status_before["pid"])
        # Same links (atomic program swap on the pinned link), new programs.
        links = lambda s: {(a["program"], a["interface"], a["link_id"])
                           for a in s["dataplane"]["attachments"]}
        self.assertEqual(links(status_after), links(status_before))
        binding = bed.lma_binding()
        for key in ("mn_id", "hnps", "proxy_coa", "access_tech", "mn_link_layer_id", "state"):
            self.assertEqual(binding[key], binding_before[key], key)
        self.assertEqual(len(bed.pinned_map("lma", "lma_hnp64_v1")), 1)

        # MAG1's next refresh is accepted by the new daemon (timestamps still in order): one
        # lifetime after the restart the binding is still there, and the capture shows it.
        time.sleep(max(0.0, restarted + LIFETIME_S + 1 - time.time()))
        self.assertEqual(bed.lma_binding()["state"], "bound")
        messages = capture.stop()
        refreshes = [m for m in harness.pbus(messages, PROXY_COA["mag1"])
                     if float(m["frame.time_epoch"]) > restarted]
        self.assertTrue(refreshes, "no refresh PBU from MAG1 after the restart")
        pba = harness.pba_for(messages, refreshes[0])
        self.assertIsNotNone(pba)
        self.assertEqual((pba["mip6.ba.status"], pba["mip6.nemo.mnp.mnp"] + "/64"), ("0", hnp))
        self.assertEqual(bed.ping("mn", CN_ADDRESS, 5), (5, 5))

        pbu, pba = harness.exchange(messages, "mag1")
        harness.assert_exchange(self, pbu, pba, "mag1", LIFETIME_S, handoff=4, requested="::/0",
                                granted=hnp)


if __name__ == "__main__":
    harness.main()
