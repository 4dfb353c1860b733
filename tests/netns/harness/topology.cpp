#include "topology.hpp"

#include <functional>
#include <utility>
#include <vector>

namespace xpmip::netns {
namespace {

tl::expected<void, std::string> check(const tl::expected<std::string, std::string>& step) {
  if (!step) return tl::unexpected(step.error());
  return {};
}

tl::expected<void, std::string> add_address(const NetNamespace& ns, const std::string& dev,
                                            const std::string& address_with_length) {
  return check(ns.ip({"-6", "addr", "add", address_with_length, "dev", dev, "nodad"}));
}

tl::expected<void, std::string> enable_forwarding(const NetNamespace& ns) {
  return ns.sysctl("net.ipv6.conf.all.forwarding", "1");
}

// Outer source of seg6 encapsulation; without it the kernel picks the egress device's address.
tl::expected<void, std::string> set_tunnel_source(const NetNamespace& ns,
                                                  const std::string& address) {
  return check(ns.exec({"ip", "sr", "tunsrc", "set", address}));
}

std::string host_route(const char* address) {
  return std::string(address) + "/128";
}

}  // namespace

tl::expected<Chain, std::string> build_chain() {
  using namespace plan;
  auto mn = NetNamespace::create("mn");
  if (!mn) return tl::unexpected(mn.error());
  auto mag = NetNamespace::create("mag");
  if (!mag) return tl::unexpected(mag.error());
  auto lma = NetNamespace::create("lma");
  if (!lma) return tl::unexpected(lma.error());
  auto cn = NetNamespace::create("cn");
  if (!cn) return tl::unexpected(cn.error());
  Chain chain{std::move(*mn), std::move(*mag), std::move(*lma), std::move(*cn)};

  const std::vector<std::function<tl::expected<void, std::string>()>> steps = {
      [&] { return add_veth(chain.mn, kMnDev, chain.mag, kMagAccessDev); },
      [&] { return add_veth(chain.mag, kMagTransportDev, chain.lma, kLmaTransportDev); },
      [&] { return add_veth(chain.lma, kLmaExternalDev, chain.cn, kCnDev); },
      [&] { return add_address(chain.mn, kMnDev, std::string(kMn) + "/64"); },
      [&] {
        return check(chain.mn.ip({"link", "set", kMnDev, "address", kMnMac}));
      },
      [&] {
        return check(chain.mag.ip({"link", "set", kMagAccessDev, "address", kMagAccessMac}));
      },
      [&] {
        return add_address(chain.mag, kMagAccessDev, std::string(kMagAccessLinkLocal) + "/64");
      },
      [&] {
        return check(
            chain.mag.ip({"-6", "route", "add", kHomeNetworkPrefix, "dev", kMagAccessDev}));
      },
      [&] { return add_address(chain.mag, kMagTransportDev, std::string(kMagTransport) + "/64"); },
      [&] { return add_address(chain.lma, kLmaTransportDev, std::string(kLmaTransport) + "/64"); },
      [&] { return add_address(chain.lma, kLmaExternalDev, std::string(kLmaExternal) + "/64"); },
      [&] { return add_address(chain.cn, kCnDev, std::string(kCn) + "/64"); },
      [&] {
        return check(chain.mn.ip(
            {"-6", "route", "add", "default", "via", kMagAccessLinkLocal, "dev", kMnDev}));
      },
      [&] {
        return check(chain.cn.ip({"-6", "route", "add", "default", "via", kLmaExternal}));
      },
      [&] { return enable_forwarding(chain.mag); },
      [&] { return enable_forwarding(chain.lma); },
      [&] {
        return check(chain.mag.ip({"-6", "route", "add", host_route(kLmaAddress), "via",
                                   kLmaTransport, "dev", kMagTransportDev}));
      },
      [&] {
        return check(chain.lma.ip({"-6", "route", "add", host_route(kProxyCoa), "via",
                                   kMagTransport, "dev", kLmaTransportDev}));
      },
  };
  for (const auto& step : steps) {
    if (auto r = step(); !r) return tl::unexpected(r.error());
  }
  return chain;
}

tl::expected<void, std::string> configure_kernel_mag(const NetNamespace& mag) {
  using namespace plan;
  if (auto r = set_tunnel_source(mag, kProxyCoa); !r) return r;
  // Source-specific default route: only the MN's traffic enters the tunnel (RFC 5213 §6.10.5).
  if (auto r = check(
          mag.ip({"-6", "route", "add", "default", "from", kHomeNetworkPrefix, "encap", "seg6",
                  "mode", "encap.red", "segs", kLmaAddress, "dev", kMagTransportDev}));
      !r)
    return r;
  // nh6 :: = route the inner packet by its own destination (the MN, on the access link).
  return check(mag.ip({"-6", "route", "add", host_route(kProxyCoa), "encap", "seg6local", "action",
                       "End.DX6", "nh6", "::", "dev", kMagAccessDev}));
}

tl::expected<void, std::string> configure_kernel_lma(const NetNamespace& lma) {
  using namespace plan;
  if (auto r = set_tunnel_source(lma, kLmaAddress); !r) return r;
  if (auto r = check(lma.ip({"-6", "route", "add", kHomeNetworkPrefix, "encap", "seg6", "mode",
                             "encap.red", "segs", kProxyCoa, "dev", kLmaTransportDev}));
      !r)
    return r;
  return check(lma.ip({"-6", "route", "add", host_route(kLmaAddress), "encap", "seg6local",
                       "action", "End.DX6", "nh6", "::", "dev", kLmaExternalDev}));
}

tl::expected<void, std::string> add_tunnel_address(const NetNamespace& ns, const std::string& dev,
                                                   const std::string& address) {
  return add_address(ns, dev, address + "/128");
}

std::string seg6_unavailable_reason() {
  auto probe = NetNamespace::create("seg6probe");
  if (!probe) return "cannot create a probe namespace: " + probe.error();
  auto encap = probe->ip({"-6", "route", "add", "2001:db8:1::/64", "encap", "seg6", "mode",
                          "encap.red", "segs", "2001:db8::1", "dev", "lo"});
  if (!encap) return "kernel rejects seg6 encap routes: " + encap.error();
  auto decap = probe->ip({"-6", "route", "add", "2001:db8:2::1/128", "encap", "seg6local", "action",
                          "End.DX6", "nh6", "::", "dev", "lo"});
  if (!decap) return "kernel rejects seg6local End.DX6 routes: " + decap.error();
  return {};
}

}  // namespace xpmip::netns
