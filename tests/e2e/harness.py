"""Shared pieces of the end-to-end tests: a private testbed per test (scripts/testbed.sh with its
own namespace prefix), commands inside its namespaces, xpmipctl queries, BPF map reads, pings and
PBU/PBA captures decoded by tshark.

Every test module runs as `python3 test_<name>.py` (ctest does that). Without root it exits with
SKIP_EXIT so ctest reports "skipped" with the reason printed here.
"""

import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TESTBED = REPO / "scripts" / "testbed.sh"
SKIP_EXIT = 77

MN_ID = "mn1@xpmip.test"
MN_MAC = "02:00:00:00:01:01"
LMA_ADDRESS = "2001:db8:ffff::1"
PROXY_COA = {"mag1": "2001:db8:ffff:1::1", "mag2": "2001:db8:ffff:2::1"}
CN_ADDRESS = "2001:db8:cafe::2"
HNP_POOL = ipaddress.ip_network("2001:db8:100::/48")
ACCESS_TECH_IEEE_802_3 = "3"  # RFC 5213 §8.5


def require_root():
    if os.geteuid() != 0:
        print("SKIP: the end-to-end tests need root (network namespaces, XDP, bpffs); "
              "run them with sudo or as root")
        sys.exit(SKIP_EXIT)


def main():
    """Entry point of a test module: skip without root, turn SIGTERM (ctest's timeout) into an
    exception so that cleanups still tear the testbed down, run the module's tests."""
    require_root()

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    unittest.main(verbosity=2)


def wait_for(predicate, timeout, what, interval=0.1):
    """Polls `predicate` until it returns something truthy; fails the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def slaac_address(prefix, mac):
    """The EUI-64 SLAAC address (RFC 4862 §5.5.3, RFC 4291 App. A) a host forms in `prefix`."""
    octets = [int(x, 16) for x in mac.split(":")]
    octets[0] ^= 0x02  # invert the universal/local bit
    interface_id = bytes(octets[:3] + [0xFF, 0xFE] + octets[3:])
    network = ipaddress.ip_network(prefix)
    return str(network.network_address + int.from_bytes(interface_id, "big"))


class CommandFailed(AssertionError):
    pass


def run(argv, check=True, timeout=60, env=None):
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)
    if check and result.returncode != 0:
        raise CommandFailed(f"{' '.join(map(str, argv))} exited {result.returncode}\n"
                            f"stdout: {result.stdout}\nstderr: {result.stderr}")
    return result


class Testbed:
    """One testbed with its own prefix, instances, sockets, pins and run directory, so tests and a
    demo testbed never collide. `settings` become XP_* variables of scripts/testbed.sh."""

    def __init__(self, name, **settings):
        self.prefix = f"xe-{name}"
        self.env = dict(os.environ, XP_PREFIX=self.prefix, XP_LOG_LEVEL="info")
        self.env.update({f"XP_{key.upper()}": str(value) for key, value in settings.items()})
        self.run_dir = Path(self.env.get("XP_RUN_DIR", f"/run/xpmip/testbed-{self.prefix}"))
        bin_dir = self.env.get("XP_BIN_DIR", str(REPO / "build" / "bin"))
        self.xpmipctl = Path(bin_dir) / "xpmipctl"

    # -- lifecycle ----------------------------------------------------------------------------
    def script(self, *args, timeout=60):
        return run([str(TESTBED), *args], env=self.env, timeout=timeout).stdout

    def up(self, test_case):
        """Brings the testbed up for `test_case` and registers its teardown, which also runs when
        the test fails. A leftover of an earlier, killed run is removed first."""
        self.script("down")
        test_case.addCleanup(self.down, test_case)
        self.script("up")

    def down(self, test_case=None):
        if test_case is not None and not _passed(test_case):
            self.dump_logs()
        self.script("down")

    def dump_logs(self):
        for node in ("lma", "mag1", "mag2"):
            log = self.run_dir / f"{node}.log"
            if log.exists():
                print(f"----- {node}.log (last 40 lines) -----", file=sys.stderr)
                print("\n".join(log.read_text().splitlines()[-40:]), file=sys.stderr)

    def handover(self, mag):
        self.script("handover", mag)

    def detach(self):
        self.script("detach")

    def restart(self, node):
        self.script("restart", node)

    def status(self):
        return json.loads(self.script("status", "--json"))

    # -- namespaces ---------------------------------------------------------------------------
    def ns(self, node):
        return f"{self.prefix}-{node}"

    def argv_in(self, node, argv):
        return ["nsenter", f"--net=/run/netns/{self.ns(node)}", "--", *map(str, argv)]

    def run_in(self, node, *argv, check=True, timeout=60):
        return run(self.argv_in(node, argv), check=check, timeout=timeout)

    def popen_in(self, node, *argv):
        return subprocess.Popen(self.argv_in(node, argv), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def pid(self, node):
        return self.status()["daemons"][node]["pid"]

    def instance(self, node):
        return f"{self.prefix}-{node}"

    # -- daemons ------------------------------------------------------------------------------
    def ctl(self, node, *command):
        """`xpmipctl --json <command>` against the node's daemon: the result value (an error
        answer makes xpmipctl exit non-zero, which fails the test with its message)."""
        socket = f"/run/xpmip/{self.instance(node)}.sock"
        return json.loads(run([str(self.xpmipctl), "--socket", socket, "--json", *command]).stdout)

    def bindings(self, node):
        return self.ctl(node, "bindings")

    def counters(self, node):
        """Data-plane packet counters by name, as xpmipctl stats reports them."""
        return {name: value["packets"]
                for name, value in self.ctl(node, "stats")["dataplane"].items()}

    def lma_binding(self):
        """The LMA's binding of the test MN, or None."""
        found = [b for b in self.bindings("lma") if b["mn_id"] == MN_ID]
        return found[0] if found else None

    def pinned_map(self, node, name):
        """Entries of a pinned BPF map of the node's instance, read with bpftool (the kernel's
        view, independent of the daemon)."""
        path = f"/sys/fs/bpf/xpmip/{self.instance(node)}/{name}"
        return json.loads(run(["bpftool", "-j", "map", "dump", "pinned", path]).stdout)

    # -- the mobile node ----------------------------------------------------------------------
    def mn_global_addresses(self):
        """(address, prefixlen, tentative) of every global address on the MN's interface."""
        out = self.run_in("mn", "ip", "-j", "-6", "addr", "show", "dev", "eth0").stdout
        return [(a["local"], a["prefixlen"], bool(a.get("tentative")))
                for link in json.loads(out) for a in link.get("addr_info", [])
                if a.get("scope") == "global"]

    def attach(self, mag, timeout=20):
        """Attaches the MN at `mag` and waits until the LMA binds it there and the MN has a
        usable SLAAC address in its HNP. Returns (hnp, address)."""
        self.handover(mag)
        binding = wait_for(
            lambda: (b := self.lma_binding()) and b["proxy_coa"] == PROXY_COA[mag]
            and b["state"] == "bound" and b, timeout, f"the LMA binding via {mag}")
        self.check_hnp_count(binding)
        hnp = binding["hnps"][0]
        address = slaac_address(hnp, MN_MAC)
        wait_for(lambda: (address, 64, False) in self.mn_global_addresses(), timeout,
                 f"the MN's SLAAC address {address} (non-tentative)")
        return hnp, address

    @staticmethod
    def check_hnp_count(binding):
        if len(binding["hnps"]) != 1:
            raise AssertionError(f"expected one HNP, binding is {binding}")

    def ping(self, node, destination, count, interval=0.05, wait=2):
        """Sends `count` echo requests; returns (transmitted, received)."""
        out = self.run_in(node, "ping", "-6", "-n", "-q", "-c", count, "-i", interval, "-W",
                          wait, destination, check=False, timeout=count * interval + 30).stdout
        match = re.search(r"(\d+) packets transmitted, (\d+) received", out)
        if not match:
            raise AssertionError(f"unexpected ping output: {out}")
        return int(match.group(1)), int(match.group(2))


def _passed(test_case):
    outcome = getattr(test_case, "_outcome", None)
    result = getattr(outcome, "result", None)
    if result is None:
        return True
    return not any(test is test_case for test, _ in result.failures + result.errors)


class MobilityCapture:
    """dumpcap on the LMA's port of the transport bridge, filtered to Mobility Header packets
    (IPv6 next header 135): every PBU and PBA of both MAGs passes there."""

    FIELDS = ["frame.number", "frame.time_epoch", "ipv6.src", "ipv6.dst", "mip6.mhtype",
              "mip6.bu.seqnr", "mip6.bu.a_flag", "mip6.bu.h_flag", "mip6.bu.p_flag",
              "mip6.bu.lifetime", "mip6.ba.status", "mip6.ba.p_flag", "mip6.ba.seqnr",
              "mip6.ba.lifetime", "mip6.mnid.subtype", "mip6.mnid.identifier",
              "mip6.nemo.mnp.pfl", "mip6.nemo.mnp.mnp", "mip6.hi", "mip6.att", "mip6.mnlli.lli",
              "mip6.lila_lla", "mip6.timestamp_tmp", "_ws.malformed", "_ws.expert.severity"]

    def __init__(self, testbed, test_case):
        self.testbed = testbed
        handle, self.path = tempfile.mkstemp(prefix=f"{testbed.prefix}-", suffix=".pcap")
        os.close(handle)
        test_case.addCleanup(self._cleanup)
        self.process = testbed.popen_in("net", "dumpcap", "-q", "-i", "lma", "-f",
                                        "ip6 proto 135", "-w", self.path)
        # dumpcap says "Capturing on 'lma'" once the socket is open; packets before that are lost.
        line = self.process.stderr.readline()
        if "Capturing on" not in line:
            raise AssertionError(f"dumpcap did not start: {line}{self.process.stderr.read()}")

    def stop(self):
        if self.process.poll() is None:
            time.sleep(0.3)  # let the last frames reach the file
            self.process.send_signal(signal.SIGINT)
            self.process.communicate(timeout=10)
        return self.messages()

    def messages(self):
        """The captured Mobility Header messages, one dict per frame (field -> text; several
        occurrences joined by ',')."""
        argv = ["tshark", "-n", "-r", self.path, "-T", "fields", "-E", "separator=/t", "-E",
                "occurrence=a", "-E", "aggregator=,"]
        for field in self.FIELDS:
            argv += ["-e", field]
        out = run(argv).stdout
        return [dict(zip(self.FIELDS, line.split("\t"))) for line in out.splitlines()]

    def _cleanup(self):
        reap(self.process)
        os.unlink(self.path)


def pbus(messages, source=None):
    return [m for m in messages if m["mip6.mhtype"] == "5"
            and (source is None or m["ipv6.src"] == source)]


def pba_for(messages, pbu):
    """The PBA answering `pbu` (same sequence number, reversed addresses), or None."""
    for m in messages:
        if (m["mip6.mhtype"] == "6" and m["mip6.ba.seqnr"] == pbu["mip6.bu.seqnr"]
                and m["ipv6.src"] == pbu["ipv6.dst"] and m["ipv6.dst"] == pbu["ipv6.src"]
                and float(m["frame.time_epoch"]) >= float(pbu["frame.time_epoch"])):
            return m
    return None


def exchange(messages, mag, registration=True, index=0):
    """The `index`-th (de-)registration PBU from `mag` and the PBA answering it."""
    wanted = [m for m in pbus(messages, PROXY_COA[mag])
              if (m["mip6.bu.lifetime"] != "0") == registration]
    if len(wanted) <= index:
        raise AssertionError(f"no {'registration' if registration else 'de-registration'} PBU "
                             f"#{index} from {mag} in:\n{summary(messages)}")
    pbu = wanted[index]
    pba = pba_for(messages, pbu)
    if pba is None:
        raise AssertionError(f"no PBA for frame {pbu['frame.number']} in:\n{summary(messages)}")
    return pbu, pba


def summary(messages):
    """One line per captured message, for failure reports."""
    return "\n".join(
        f"{m['frame.number']:>3} {m['frame.time_epoch']} {m['ipv6.src']} -> {m['ipv6.dst']} "
        f"type {m['mip6.mhtype']} seq {m['mip6.bu.seqnr'] or m['mip6.ba.seqnr']} "
        f"lifetime {m['mip6.bu.lifetime'] or m['mip6.ba.lifetime']} status {m['mip6.ba.status']}"
        for m in messages)


def assert_exchange(test, pbu, pba, mag, lifetime_s, handoff, requested, granted):
    """Checks a PBU/PBA pair field by field as tshark decodes it. `requested` is the HNP option of
    the PBU ("::/0" asks the LMA to assign one, RFC 5213 §6.9.1.1), `granted` the PBA's."""
    def prefix_fields(text):
        network = ipaddress.ip_network(text)
        return str(network.prefixlen), str(network.network_address)

    # Lifetime is carried in units of 4 s (RFC 6275 §6.1.7); tshark shows the raw field.
    lifetime = str(lifetime_s // 4)
    # No Link-local Address option: every MAG uses the same fixed link-local address on its
    # access links (FixedMAGLinkLocalAddressOnAllAccessLinks, RFC 5213 §9.3, §6.9.1.1).
    common = {"mip6.mnid.subtype": "1", "mip6.mnid.identifier": MN_ID,  # RFC 4283 NAI
              "mip6.hi": str(handoff), "mip6.att": ACCESS_TECH_IEEE_802_3,
              "mip6.mnlli.lli": MN_MAC.replace(":", ""), "mip6.lila_lla": "",
              "_ws.malformed": ""}
    expected_pbu = dict(common, **{
        "ipv6.src": PROXY_COA[mag], "ipv6.dst": LMA_ADDRESS, "mip6.mhtype": "5",
        "mip6.bu.a_flag": "1", "mip6.bu.p_flag": "1", "mip6.bu.lifetime": lifetime})
    expected_pbu["mip6.nemo.mnp.pfl"], expected_pbu["mip6.nemo.mnp.mnp"] = prefix_fields(requested)
    test.assertEqual({k: pbu[k] for k in expected_pbu}, expected_pbu)
    test.assertNotEqual(pbu["mip6.timestamp_tmp"], "", "PBU without Timestamp option (§5.5)")

    expected_pba = dict(common, **{
        "ipv6.src": LMA_ADDRESS, "ipv6.dst": PROXY_COA[mag], "mip6.mhtype": "6",
        "mip6.ba.status": "0", "mip6.ba.p_flag": "1", "mip6.ba.seqnr": pbu["mip6.bu.seqnr"],
        "mip6.ba.lifetime": lifetime})
    expected_pba["mip6.nemo.mnp.pfl"], expected_pba["mip6.nemo.mnp.mnp"] = prefix_fields(granted)
    test.assertEqual({k: pba[k] for k in expected_pba}, expected_pba)
    test.assertEqual(pba["mip6.timestamp_tmp"], pbu["mip6.timestamp_tmp"],
                     "the PBA echoes the PBU's timestamp (RFC 5213 §5.3.2)")


def reap(process):
    """Ends a helper process we started and closes its pipes."""
    if process.poll() is None:
        process.kill()
    process.communicate()


def counter_delta(before, after, name):
    return after.get(name, 0) - before.get(name, 0)
