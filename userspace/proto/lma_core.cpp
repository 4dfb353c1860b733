#include "xpmip/lma_core.hpp"

#include <algorithm>

#include "xpmip/address.hpp"
#include "xpmip/lma_pba.hpp"
#include "xpmip/lma_replay.hpp"
#include "xpmip/timestamp.hpp"

namespace xpmip {
namespace {

// RFC 5213 §2.2 ALL_ZERO HNP: the MAG asks the LMA to assign. The prefix value decides; MAGs
// differ on the length they send with it (0 or 64).
bool requests_assignment(const Prefix& prefix) {
  return std::all_of(prefix.address.begin(), prefix.address.end(),
                     [](std::uint8_t b) { return b == 0; });
}

template <typename T>
bool contains(const std::vector<T>& values, const T& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// The NON_ZERO HNPs of a PBU as a set, so it compares equal to a BCE's prefix list whatever the
// order or duplicates the MAG sent.
std::vector<Prefix> requested_prefixes(const MobilityOptions& options) {
  std::vector<Prefix> prefixes;
  for (const auto& prefix : options.home_network_prefixes) {
    if (!requests_assignment(prefix)) prefixes.push_back(masked(prefix));
  }
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  return prefixes;
}

// What the §5.4.1 lookup needs from a PBU whose MN-ID is present.
LookupKey lookup_key(const MobilityOptions& options, const Ipv6Address& proxy_coa) {
  return LookupKey{
      .mn_id = *options.mn_id,
      .requested_prefixes = requested_prefixes(options),
      .mn_link_layer_id = options.mn_link_layer_id,
      .access_tech = options.access_tech.value_or(AccessTechnology::kReserved),
      .handoff_indicator = options.handoff_indicator.value_or(HandoffIndicator::kReserved),
      .proxy_coa = proxy_coa};
}

std::chrono::seconds lifetime_seconds(std::uint16_t units) {
  return std::chrono::seconds{std::int64_t{units} * kLifetimeUnitSeconds};
}

std::chrono::seconds whole_seconds(std::chrono::nanoseconds d) {
  if (d.count() < 0) return std::chrono::seconds{0};
  return std::chrono::duration_cast<std::chrono::seconds>(d);
}

}  // namespace

tl::expected<LmaCore, LmaConfigError> LmaCore::create(LmaConfig config, const Policy& policy,
                                                      const Clock& clock) {
  std::optional<HnpPool> pool;
  if (config.pool_aggregate) {
    // A released prefix waits as long as a de-registered session would have (RFC 5213 §5.3.5).
    auto created = HnpPool::create(*config.pool_aggregate, config.pool_delegated_length,
                                   config.min_delay_before_bce_delete);
    if (!created) return tl::make_unexpected(LmaConfigError::kBadPool);
    pool = std::move(*created);
  }
  return LmaCore(std::move(config), policy, clock, std::move(pool));
}

LmaCore::LmaCore(LmaConfig config, const Policy& policy, const Clock& clock,
                 std::optional<HnpPool> pool)
    : config_(std::move(config)), policy_(&policy), clock_(&clock), pool_(std::move(pool)) {}

LmaOutput LmaCore::handle_pbu(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
                              const Ipv6Address& destination) {
  LmaOutput out;
  if ((pbu.flags & bu_flag::kProxy) == 0) {
    // Without P this is a Mobile IPv6 Binding Update (RFC 5213 §5.3.1 covers P=1 only). This LMA
    // is not configured as an RFC 6275 home agent: a home registration is refused with 131
    // (RFC 6275 §10.3.1), in a BA without P (RFC 5213 §8.2). A correspondent registration needs
    // the Binding Authorization Data option, which this LMA never validates, so it is silently
    // discarded (RFC 6275 §9.5.1).
    if ((pbu.flags & bu_flag::kHome) == 0) {
      ++stats_.ignored_not_proxy;
      return out;
    }
    ProxyBindingAck ba =
        build_rejection(pbu, kHomeRegistrationNotSupported, to_pmip_timestamp(clock_->wall_now()));
    ba.flags = 0;
    send(destination, source, std::move(ba), out);
    return out;
  }
  if ((pbu.flags & bu_flag::kAck) == 0) {
    // RFC 5213 §6.9.1.5: a MAG MUST set A in every PBU. One without it is refused with 128
    // (Reason unspecified, allowed in a PBA by §8.9); RFC 6275 §9.5.4 lets a node answer a
    // refused BU even when no acknowledgement was requested.
    reject(pbu, source, destination, PbaStatus::kReasonUnspecified, out);
    return out;
  }
  handle_proxy_registration(pbu, source, destination, out);
  return out;
}

// RFC 5213 §5.3.1, checks 4-13 in the order the RFC gives them.
void LmaCore::handle_proxy_registration(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
                                        const Ipv6Address& destination, LmaOutput& out) {
  const MobilityOptions& options = pbu.options;
  const auto refuse = [&](PbaStatus status) { reject(pbu, source, destination, status, out); };

  if (!options.mn_id) return refuse(PbaStatus::kMissingMnIdentifierOption);  // check 4
  const auto mag = policy_->mag(source);
  if (!mag) return refuse(PbaStatus::kMagNotAuthorizedForProxyReg);  // checks 5-6
  const auto profile = policy_->mobile_node(*options.mn_id);
  if (profile && !profile->authorized_mags.empty() && !contains(profile->authorized_mags, source)) {
    return refuse(PbaStatus::kMagNotAuthorizedForProxyReg);
  }
  if (!profile || !profile->served_by_this_lma) {
    return refuse(PbaStatus::kNotLmaForThisMobileNode);  // check 7
  }
  if (!profile->proxy_mobility_enabled) return refuse(PbaStatus::kProxyRegNotEnabled);  // 8

  const Ipv6Address proxy_coa = options.alternate_care_of.value_or(source);
  const ValidatedPbu validated{.pbu = pbu,
                               .source = source,
                               .destination = destination,
                               .proxy_coa = proxy_coa,
                               .profile = *profile,
                               .replay_mode = mag->replay_mode,
                               .key = lookup_key(options, proxy_coa)};

  if (!check_replay(validated, out)) return;  // check 9

  if (options.home_network_prefixes.empty()) {
    return refuse(PbaStatus::kMissingHomeNetworkPrefixOption);  // check 10
  }
  if (!options.handoff_indicator) return refuse(PbaStatus::kMissingHandoffIndicatorOption);
  if (!options.access_tech) return refuse(PbaStatus::kMissingAccessTechTypeOption);  // 11, 12
  if (!profile->allowed_access_techs.empty() &&
      !contains(profile->allowed_access_techs, *options.access_tech)) {
    // The profile bars this access technology; RFC 5213 has no dedicated code, so the generic
    // 129 Administratively prohibited (RFC 6275 §6.1.8) is used.
    return refuse(PbaStatus::kAdministrativelyProhibited);
  }
  resolve(validated, lookup_binding(cache_, validated.key), out);  // check 13
}

// RFC 5213 §5.5. The ordering mode is the MAG's configured one; a MAG in timestamp mode that
// leaves the Timestamp option out cannot prove freshness and is refused with 156.
bool LmaCore::check_replay(const ValidatedPbu& v, LmaOutput& out) {
  const ProxyBindingUpdate& pbu = v.pbu;
  if (v.replay_mode == ReplayMode::kTimestamp) {
    const std::uint64_t now = to_pmip_timestamp(clock_->wall_now());
    std::optional<PbaStatus> failure = PbaStatus::kTimestampMismatch;
    if (pbu.options.timestamp) {
      // §5.5.1: newer than every timestamp accepted for this node, whichever session took it.
      std::optional<std::uint64_t> highest;
      for (BceId id : cache_.of_mobile_node(v.key.mn_id)) {
        const std::uint64_t accepted = cache_.find(id)->last_timestamp;
        if (accepted != 0 && (!highest || accepted > *highest)) highest = accepted;
      }
      failure =
          check_timestamp(*pbu.options.timestamp, now, highest, config_.timestamp_validity_window);
    }
    if (!failure) return true;
    reject(pbu, v.source, v.destination, *failure, out);
    return false;
  }
  // RFC 6275 §9.5.1: with no BCE any sequence number is accepted; otherwise it must be newer
  // than the session's last accepted one, and the 135 PBA tells the MAG which one that is.
  const auto session = sequence_session(v);
  if (!session) return true;
  const std::uint16_t last = cache_.find(*session)->last_sequence;
  if (sequence_is_newer(pbu.sequence, last)) return true;
  ProxyBindingAck pba = build_rejection(pbu, PbaStatus::kSequenceOutOfWindow, 0);
  pba.sequence = last;
  send(v.destination, v.source, std::move(pba), out);
  return false;
}

// The session whose sequence number a PBU must beat: the one the §5.4.1 lookup picks, or, when
// the PBU lacks what the lookup needs (it is refused just after), the node's only session.
std::optional<BceId> LmaCore::sequence_session(const ValidatedPbu& v) const {
  const MobilityOptions& options = v.pbu.options;
  const bool lookup_possible =
      !options.home_network_prefixes.empty() && options.handoff_indicator && options.access_tech;
  if (!lookup_possible) {
    const auto sessions = cache_.of_mobile_node(v.key.mn_id);
    if (sessions.size() != 1) return std::nullopt;
    return sessions.front();
  }
  const LookupResult found = lookup_binding(cache_, v.key);
  const bool same_node = found.outcome == LookupOutcome::kUpdate ||
                         found.outcome == LookupOutcome::kWaitForDeregistration ||
                         found.outcome == LookupOutcome::kPrefixSetMismatch;
  if (!same_node) return std::nullopt;
  return found.bce;
}

// RFC 5213 §5.3.1 check 13 and the §5.4.1 outcomes.
void LmaCore::resolve(const ValidatedPbu& v, LookupResult found, LmaOutput& out) {
  const bool deregistration = v.pbu.lifetime == 0;
  switch (found.outcome) {
    case LookupOutcome::kPrefixOfAnotherNode:
      return reject(v.pbu, v.source, v.destination, PbaStatus::kNotAuthorizedForHomeNetworkPrefix,
                    out);
    case LookupOutcome::kPrefixSetMismatch:
      return reject(v.pbu, v.source, v.destination, PbaStatus::kBcePbuPrefixSetDoNotMatch, out);
    case LookupOutcome::kUpdate:
      if (deregistration) return deregister(v, *found.bce, out);
      return update_session(v, *found.bce, out);
    case LookupOutcome::kWaitForDeregistration:
      if (deregistration) break;
      // The de-registration the wait is for has already come: the session is the MN's, moved.
      if (cache_.find(*found.bce)->state == BindingState::kPendingDelete) {
        return update_session(v, *found.bce, out);
      }
      if (config_.create_new_bce_immediately) return create_session(v, out);
      return hold(v, *found.bce);
    case LookupOutcome::kNewSession:
      if (deregistration) break;
      return create_session(v, out);
  }
  // §5.4.1: a de-registration that matches no session is silently ignored.
  ++stats_.ignored_unmatched_deregistration;
}

// §5.4.1.2: park the PBU for up to MaxDelayBeforeNewBCEAssign. A retransmission replaces the
// parked copy but does not extend the wait.
void LmaCore::hold(const ValidatedPbu& v, BceId old_session) {
  const SteadyTime until = clock_->now() + config_.max_delay_before_new_bce_assign;
  auto [it, inserted] = held_.try_emplace(v.key.mn_id, HeldPbu{v, old_session, until});
  if (!inserted) {
    if (it->second.old_session != old_session) it->second.until = until;
    it->second.pbu = v;
    it->second.old_session = old_session;
  }
  ++stats_.held_for_deregistration;
}

std::uint16_t LmaCore::granted_lifetime(const ValidatedPbu& v) const {
  const auto max_units = std::max<std::int64_t>(
      1, v.profile.max_lifetime.count() / std::int64_t{kLifetimeUnitSeconds});
  return static_cast<std::uint16_t>(std::min<std::int64_t>(v.pbu.lifetime, max_units));
}

// The prefixes a new session gets (§5.3.2), or the status refusing it.
tl::expected<std::vector<Prefix>, PbaStatus> LmaCore::assign_prefixes(const ValidatedPbu& v) {
  const auto& statics = v.profile.static_prefixes;
  if (!v.key.requested_prefixes.empty()) {
    // Each requested prefix must be one this node is authorised for and no session holds.
    for (const auto& prefix : v.key.requested_prefixes) {
      const bool authorised = std::any_of(statics.begin(), statics.end(),
                                          [&](const Prefix& s) { return masked(s) == prefix; });
      if (!authorised || cache_.holder_of(prefix)) {
        return tl::make_unexpected(PbaStatus::kNotAuthorizedForHomeNetworkPrefix);
      }
    }
    return v.key.requested_prefixes;
  }
  std::vector<Prefix> assigned;
  if (!statics.empty()) {
    for (const auto& prefix : statics) {
      if (!cache_.holder_of(masked(prefix))) assigned.push_back(masked(prefix));
    }
    std::sort(assigned.begin(), assigned.end());
    assigned.erase(std::unique(assigned.begin(), assigned.end()), assigned.end());
  } else if (pool_) {
    if (auto prefix = pool_->allocate(clock_->now())) assigned.push_back(*prefix);
  }
  if (assigned.empty()) return tl::make_unexpected(PbaStatus::kInsufficientResources);
  return assigned;
}

// §5.3.2: a new mobility session.
void LmaCore::create_session(const ValidatedPbu& v, LmaOutput& out) {
  const bool full = cache_.size() >= config_.max_bindings ||
                    cache_.count_for_mag(v.proxy_coa) >= config_.max_bindings_per_mag;
  if (full) {
    return reject(v.pbu, v.source, v.destination, PbaStatus::kInsufficientResources, out);
  }
  auto prefixes = assign_prefixes(v);
  if (!prefixes) return reject(v.pbu, v.source, v.destination, prefixes.error(), out);

  const SteadyTime now = clock_->now();
  BindingCacheEntry entry;
  entry.mn_id = v.key.mn_id;
  entry.home_network_prefixes = std::move(*prefixes);
  entry.proxy_coa = v.proxy_coa;
  entry.created_at = now;
  const BceId id = cache_.insert(std::move(entry));
  cache_.modify(id, [&](BindingCacheEntry& bce) { refresh_entry(v, bce, now); });
  ++stats_.bindings_created;

  const BindingCacheEntry& bce = *cache_.find(id);
  out.events.emplace_back(
      BindEvent{bce.mn_id, bce.home_network_prefixes, bce.proxy_coa, bce.access_tech});
  accept(v, bce, out);
}

// §5.3.3 (same MAG) and §5.3.4 (handoff): the session's routes now point at `v.proxy_coa`.
void LmaCore::update_session(const ValidatedPbu& v, BceId id, LmaOutput& out) {
  const bool handoff = cache_.find(id)->proxy_coa != v.proxy_coa;
  if (handoff && cache_.count_for_mag(v.proxy_coa) >= config_.max_bindings_per_mag) {
    return reject(v.pbu, v.source, v.destination, PbaStatus::kInsufficientResources, out);
  }
  const SteadyTime now = clock_->now();
  cache_.modify(id, [&](BindingCacheEntry& bce) {
    bce.proxy_coa = v.proxy_coa;
    refresh_entry(v, bce, now);
  });
  const BindingCacheEntry& bce = *cache_.find(id);
  if (handoff) {
    // One Bind with the new proxy-CoA replaces the old routes in place (§5.3.4).
    ++stats_.handoffs;
    out.events.emplace_back(
        BindEvent{bce.mn_id, bce.home_network_prefixes, bce.proxy_coa, bce.access_tech});
  }
  accept(v, bce, out);
}

// The BCE fields an accepted PBU with lifetime > 0 sets (§5.1, §5.3.2-§5.3.4); a pending
// delete is cancelled (§5.3.5).
void LmaCore::refresh_entry(const ValidatedPbu& v, BindingCacheEntry& bce, SteadyTime now) {
  const MobilityOptions& options = v.pbu.options;
  bce.mn_link_layer_id = options.mn_link_layer_id.value_or(std::vector<std::uint8_t>{0, 0});
  bce.access_tech = v.key.access_tech;
  bce.handoff_indicator = v.key.handoff_indicator;
  record_ordering(v, bce);
  bce.granted_lifetime = granted_lifetime(v);
  bce.deadline = now + lifetime_seconds(bce.granted_lifetime);
  bce.state = BindingState::kActive;
  // §5.3.6 / §6.8: a NON_ZERO address is the MAG's and is stored; ALL_ZERO asks the LMA for the
  // session's address, generated once and kept across handoffs.
  if (options.link_local_address) {
    if (!is_unspecified(*options.link_local_address)) {
      bce.mag_link_local = *options.link_local_address;
    } else if (is_unspecified(bce.mag_link_local)) {
      bce.mag_link_local = generate_link_local(bce.mn_id);
    }
  }
}

void LmaCore::record_ordering(const ValidatedPbu& v, BindingCacheEntry& bce) {
  bce.last_sequence = v.pbu.sequence;
  bce.last_timestamp =
      v.replay_mode == ReplayMode::kTimestamp ? v.pbu.options.timestamp.value_or(0) : 0;
}

// §5.3.5: only the MAG serving the session may de-register it; anything else is a late
// de-registration from a previous MAG and is ignored.
void LmaCore::deregister(const ValidatedPbu& v, BceId id, LmaOutput& out) {
  if (cache_.find(id)->proxy_coa != v.proxy_coa) {
    ++stats_.ignored_late_deregistration;
    return;
  }
  const SteadyTime delete_at = clock_->now() + config_.min_delay_before_bce_delete;
  cache_.modify(id, [&](BindingCacheEntry& bce) {
    record_ordering(v, bce);
    if (bce.state == BindingState::kActive) {  // a retransmission does not push the delete out
      bce.state = BindingState::kPendingDelete;
      bce.deadline = delete_at;
    }
  });
  const BindingCacheEntry& bce = *cache_.find(id);
  send(v.destination, v.source,
       build_acceptance(v.pbu, 0, bce.home_network_prefixes, bce.mag_link_local), out);
  resume_held_after_deregistration(v.key.mn_id, id, out);
}

// §5.4.1.2: the old MAG de-registered while a new MAG's HI=4 PBU waited, so that PBU is a
// handoff of the same session rather than a new one.
void LmaCore::resume_held_after_deregistration(const MobileNodeId& mn_id, BceId deregistered,
                                               LmaOutput& out) {
  auto it = held_.find(mn_id);
  if (it == held_.end() || it->second.old_session != deregistered) return;
  const ValidatedPbu parked = std::move(it->second.pbu);
  held_.erase(it);
  update_session(parked, deregistered, out);
}

std::optional<SteadyTime> LmaCore::next_deadline() const {
  std::optional<SteadyTime> next = cache_.next_deadline();
  for (const auto& [mn_id, held] : held_) {
    if (!next || held.until < *next) next = held.until;
  }
  return next;
}

LmaOutput LmaCore::expire_timers() {
  LmaOutput out;
  const SteadyTime now = clock_->now();
  // Sessions first, so a parked PBU whose wait ends now can reuse what they free.
  for (BceId id : cache_.due(now)) {
    if (cache_.find(id)->state == BindingState::kActive) {
      ++stats_.bindings_expired;
    } else {
      ++stats_.bindings_deleted;
    }
    remove_binding(id, out);
  }
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second.until > now) {
      ++it;
      continue;
    }
    // §5.4.1.2: no de-registration came from the old MAG: the PBU starts a new session.
    const ValidatedPbu parked = std::move(it->second.pbu);
    it = held_.erase(it);
    create_session(parked, out);
  }
  return out;
}

void LmaCore::remove_binding(BceId id, LmaOutput& out) {
  auto removed = cache_.erase(id);
  if (!removed) return;
  if (pool_) {
    for (const auto& prefix : removed->home_network_prefixes) {
      pool_->release(prefix, clock_->now());
    }
  }
  out.events.emplace_back(UnbindEvent{
      std::move(removed->mn_id), std::move(removed->home_network_prefixes), removed->proxy_coa});
}

tl::expected<BindEvent, RestoreError> LmaCore::restore(const BindingRecord& record) {
  std::vector<Prefix> prefixes;
  for (const auto& prefix : record.home_network_prefixes) prefixes.push_back(masked(prefix));
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  if (prefixes.empty()) return tl::make_unexpected(RestoreError::kNoPrefixes);
  for (const auto& prefix : prefixes) {
    if (cache_.holder_of(prefix)) return tl::make_unexpected(RestoreError::kPrefixInUse);
  }
  if (cache_.size() >= config_.max_bindings ||
      cache_.count_for_mag(record.proxy_coa) >= config_.max_bindings_per_mag) {
    return tl::make_unexpected(RestoreError::kCapacityExceeded);
  }
  // Every allocated pool prefix belongs to a BCE, so a prefix no BCE holds is free to claim.
  if (pool_) {
    for (const auto& prefix : prefixes) pool_->claim(prefix);
  }
  const SteadyTime now = clock_->now();
  BindingCacheEntry entry;
  entry.mn_id = record.mn_id;
  entry.mn_link_layer_id = record.mn_link_layer_id;
  entry.home_network_prefixes = prefixes;
  entry.proxy_coa = record.proxy_coa;
  entry.mag_link_local = record.mag_link_local;
  entry.access_tech = record.access_tech;
  entry.handoff_indicator = record.handoff_indicator;
  entry.last_timestamp = record.last_timestamp;
  entry.last_sequence = record.last_sequence;
  entry.granted_lifetime = record.granted_lifetime;
  entry.created_at = now - record.age;
  entry.deadline = now + record.time_left;
  entry.state = record.state;
  cache_.insert(std::move(entry));
  return BindEvent{record.mn_id, std::move(prefixes), record.proxy_coa, record.access_tech};
}

std::vector<BindingRecord> LmaCore::bindings() const {
  const SteadyTime now = clock_->now();
  std::vector<BindingRecord> records;
  records.reserve(cache_.size());
  for (const auto& [id, bce] : cache_.entries()) {
    records.push_back(BindingRecord{bce.mn_id, bce.mn_link_layer_id, bce.home_network_prefixes,
                                    bce.proxy_coa, bce.mag_link_local, bce.access_tech,
                                    bce.handoff_indicator, bce.last_timestamp, bce.last_sequence,
                                    bce.granted_lifetime, whole_seconds(bce.deadline - now),
                                    whole_seconds(now - bce.created_at), bce.state});
  }
  return records;
}

void LmaCore::accept(const ValidatedPbu& v, const BindingCacheEntry& bce, LmaOutput& out) {
  send(v.destination, v.source,
       build_acceptance(v.pbu, bce.granted_lifetime, bce.home_network_prefixes, bce.mag_link_local),
       out);
}

void LmaCore::reject(const ProxyBindingUpdate& pbu, const Ipv6Address& source,
                     const Ipv6Address& destination, PbaStatus status, LmaOutput& out) {
  send(destination, source, build_rejection(pbu, status, to_pmip_timestamp(clock_->wall_now())),
       out);
}

// §5.3.6: the PBA goes from the address the PBU was sent to, back to the PBU's source.
void LmaCore::send(const Ipv6Address& from, const Ipv6Address& to, ProxyBindingAck pba,
                   LmaOutput& out) {
  ++stats_.pba_by_status[static_cast<std::uint8_t>(pba.status)];
  out.replies.push_back(OutgoingPba{from, to, std::move(pba)});
}

// §6.8 leaves the method open. The interface identifier hashes the MN-ID with a per-LMA serial
// (FNV-1a), with the universal/local bit cleared as for any locally assigned identifier
// (RFC 4291 §2.5.1), so two sessions of one node get different addresses.
Ipv6Address LmaCore::generate_link_local(const MobileNodeId& mn_id) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  const auto mix = [&hash](std::uint8_t octet) {
    hash ^= octet;
    hash *= 0x100000001b3ULL;
  };
  for (char c : mn_id.identifier) mix(static_cast<std::uint8_t>(c));
  const std::uint64_t serial = ++link_local_serial_;
  for (unsigned shift = 0; shift < 64; shift += 8) {
    mix(static_cast<std::uint8_t>(serial >> shift));
  }
  Ipv6Address address{0xfe, 0x80};
  for (unsigned i = 0; i < 8; ++i) {
    address[8 + i] = static_cast<std::uint8_t>(hash >> (56 - 8 * i));
  }
  address[8] = static_cast<std::uint8_t>(address[8] & ~0x02u);
  return address;
}

}  // namespace xpmip
