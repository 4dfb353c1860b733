#!/usr/bin/env python3
"""The testbed itself, without daemons: the plumbing every other end-to-end test stands on.
Namespaces and addresses, NAPI (GRO) on the peers of XDP redirect targets, reachability over the
transport bridge, the radio link moving between MAGs (carrier on the serving MAG's access
interface only, an immediate RS from the MN, its address kept across the bounce), status --json,
and a teardown that leaves nothing behind."""

import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

import harness
from harness import MN_MAC, PROXY_COA, Testbed, run, wait_for

NODES = ("cn", "lma", "mag1", "mag2", "mn", "net", "air")
MN_LINK_LOCAL = "fe80::ff:fe00:101"  # EUI-64 of 02:00:00:00:01:01


class TestbedPlumbing(unittest.TestCase):
    def setUp(self):
        self.bed = Testbed("plumbing")
        self.bed.script("down")
        self.addCleanup(self.bed.script, "down")
        self.bed.script("up", "--no-daemons")

    def carrier(self, node, dev):
        out = self.bed.run_in(node, "ip", "-j", "link", "show", "dev", dev).stdout
        return "LOWER_UP" in json.loads(out)[0]["flags"]

    def gro(self, node, dev):
        out = self.bed.run_in(node, "ethtool", "-k", dev).stdout
        return "generic-receive-offload: on" in out

    def capture_rs(self, mag):
        """Starts dumpcap on `mag`'s access interface for Router Solicitations."""
        handle, path = tempfile.mkstemp(suffix=".pcap")
        os.close(handle)
        self.addCleanup(os.unlink, path)
        process = self.bed.popen_in(mag, "dumpcap", "-q", "-i", "acc1", "-f",
                                    "icmp6 and ip6[40] == 133", "-w", path)
        self.addCleanup(harness.reap, process)
        self.assertIn("Capturing on", process.stderr.readline())
        return process, path

    def solicitations(self, process, path):
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        out = run(["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=/t", "-e",
                   "frame.time_epoch", "-e", "ipv6.src", "-e", "ipv6.dst", "-e",
                   "ipv6.hlim", "-e", "icmpv6.opt.linkaddr"]).stdout
        return [line.split("\t") for line in out.splitlines()]

    def test_namespaces_addresses_and_links(self):
        names = run(["ip", "netns", "list"]).stdout
        for node in NODES:
            self.assertIn(self.bed.ns(node), names)

        status = self.bed.status()
        self.assertEqual(status["lma_address"], "2001:db8:ffff::1")
        self.assertEqual(status["proxy_coas"], PROXY_COA)
        self.assertEqual(status["serving_mag"], "")
        self.assertIsNone(status["mn"]["address"])
        self.assertEqual(status["mn"]["mac"], MN_MAC)
        for node in ("lma", "mag1", "mag2"):
            self.assertFalse(status["daemons"][node]["running"])
            self.assertEqual(status["daemons"][node]["socket"],
                             f"/run/xpmip/{self.bed.instance(node)}.sock")
        addresses = status["addresses"]
        self.assertIn({"address": "2001:db8:ffff::1", "prefixlen": 48, "scope": "global",
                       "tentative": False}, addresses["lma"]["core0"])
        self.assertIn({"address": "2001:db8:cafe::1", "prefixlen": 64, "scope": "global",
                       "tentative": False}, addresses["lma"]["ext0"])
        for mag, coa in PROXY_COA.items():
            self.assertIn({"address": coa, "prefixlen": 48, "scope": "global",
                           "tentative": False}, addresses[mag]["core0"])

        # NAPI on the peer of every interface our XDP programs redirect into (§6 R1).
        for node, dev in (("net", "lma"), ("net", "mag1"), ("net", "mag2"), ("cn", "eth0")):
            self.assertTrue(self.gro(node, dev), f"GRO off on {node}/{dev}")
        # Transport MTU leaves room for the 40-byte outer header of a 1500-byte packet.
        for node in ("lma", "mag1", "mag2"):
            mtu = json.loads(self.bed.run_in(node, "ip", "-j", "link", "show", "core0").stdout)
            self.assertEqual(mtu[0]["mtu"], 1540)

        for coa in PROXY_COA.values():
            self.assertEqual(self.bed.ping("lma", coa, 3), (3, 3))
        self.assertEqual(self.bed.ping("cn", "2001:db8:cafe::1", 3), (3, 3))
        # Routers forward; the MN is a host.
        for node, expected in (("lma", "1"), ("mag1", "1"), ("mag2", "1"), ("mn", "0")):
            value = self.bed.run_in(node, "sysctl", "-n", "net.ipv6.conf.all.forwarding").stdout
            self.assertEqual(value.strip(), expected, node)

    def test_handover_moves_the_radio_link_and_the_mn_solicits_at_once(self):
        # A global address standing in for the SLAAC one: keep_addr_on_down must keep it.
        self.bed.run_in("mn", "ip", "-6", "addr", "add", "2001:db8:100:7::1/64", "dev", "eth0",
                        "nodad")
        for target, other in (("mag1", "mag2"), ("mag2", "mag1")):
            process, path = self.capture_rs(target)
            self.bed.handover(target)
            moved = time.time()
            self.assertTrue(wait_for(lambda: self.carrier(target, "acc1"), 5, "carrier"))
            self.assertFalse(self.carrier(other, "acc1"))
            self.assertTrue(self.gro("air", target), f"GRO off on air/{target}")
            self.assertEqual(self.bed.status()["serving_mag"], target)
            wait_for(lambda: os.path.getsize(path) > 100, 3, f"an RS on {target}/acc1")
            rs = self.solicitations(process, path)
            self.assertGreaterEqual(len(rs), 1)
            sent, source, destination, hop_limit, slla = rs[0]
            self.assertEqual((source, destination, hop_limit, slla),
                             (MN_LINK_LOCAL, "ff02::2", "255", MN_MAC))
            # The MN's interface comes up as the script's last step; its RS must follow at once
            # (router_solicitation_delay 0, optimistic DAD), not after the default delay of 1 s.
            self.assertLess(float(sent) - moved, 0.5)
            self.assertIn(("2001:db8:100:7::1", 64, False), self.bed.mn_global_addresses())

        self.bed.detach()
        self.assertFalse(self.carrier("mag1", "acc1"))
        self.assertFalse(self.carrier("mag2", "acc1"))
        self.assertEqual(self.bed.status()["serving_mag"], "")

    def test_down_removes_everything_and_is_idempotent(self):
        self.bed.script("down")
        self.bed.script("down")
        names = run(["ip", "netns", "list"]).stdout
        for node in NODES:
            self.assertNotIn(self.bed.ns(node), names)
        self.assertFalse(self.bed.run_dir.exists())
        result = subprocess.run([str(harness.TESTBED), "status"], env=self.bed.env,
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 1)
        self.assertIn("is not up", result.stderr)


if __name__ == "__main__":
    harness.main()
