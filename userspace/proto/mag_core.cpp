#include "xpmip/mag_core.hpp"

#include "xpmip/address.hpp"
#include "xpmip/timestamp.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace xpmip {
namespace {

// RFC 5213 §6.9.1.2 matches a PBA to an outstanding PBU by MN-ID and sequence number. Every
// retransmission is a new PBU; this many of a transaction's latest ones stay matchable, and an
// answer to an older one counts as unmatched.
constexpr std::size_t kMatchableAttempts = 8;

constexpr unsigned kMaxMnIdLength = 254;         // RFC 4283 §3: Length = 1 + identifier, one octet
constexpr unsigned kMaxLinkLayerIdLength = 253;  // RFC 5213 §8.6: Length = 2 + identifier

bool is_zero(const std::vector<std::uint8_t>& octets) {
  return std::all_of(octets.begin(), octets.end(), [](std::uint8_t b) { return b == 0; });
}

// RFC 6275 §6.1.7: the lifetime travels in units of 4 s; round up so the MN never gets less
// than policy asks, and stay inside the 16-bit field.
std::uint16_t lifetime_units(std::chrono::seconds lifetime) {
  const auto units = (lifetime.count() + kLifetimeUnitSeconds - 1) / kLifetimeUnitSeconds;
  return static_cast<std::uint16_t>(std::clamp<std::int64_t>(units, 1, 0xffff));
}

// RFC 6275 §9.5.1: sequence numbers compare modulo 2^16.
bool sequence_after(std::uint16_t a, std::uint16_t b) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b)) > 0;
}

HandoffIndicator handoff_indicator(Arrival arrival) {
  switch (arrival) {
    case Arrival::kNewAttachment:
      return HandoffIndicator::kNewInterface;
    case Arrival::kHandoffFromAnotherMag:
      return HandoffIndicator::kHandoffBetweenMags;
    case Arrival::kUnknown:
      return HandoffIndicator::kHandoffUnknown;
  }
  return HandoffIndicator::kHandoffUnknown;
}

bool valid_attachment(const Attachment& a) {
  const auto& id = a.session.mn_id.identifier;
  if (id.empty() || id.size() > kMaxMnIdLength) return false;
  if (a.mn_link_layer_id.size() > kMaxLinkLayerIdLength) return false;
  if (is_unspecified(a.lma_address) || a.lifetime.count() <= 0) return false;
  // An ALL_ZERO request is expressed by an empty list (RFC 5213 §6.9.1.1 sends exactly one).
  return std::none_of(a.requested_hnps.begin(), a.requested_hnps.end(), [](const Prefix& p) {
    return p.length == 0 || p.length > 128 || is_unspecified(p.address);
  });
}

bool valid_config(const MagConfig& c) {
  using std::chrono::milliseconds;
  return c.initial_bindack_timeout > milliseconds::zero() &&
         c.first_registration_timeout > milliseconds::zero() &&
         c.initial_bindack_timeout <= c.max_bindack_timeout &&
         c.first_registration_timeout <= c.max_bindack_timeout && c.refresh_at_percent > 0 &&
         c.refresh_at_percent < 100;
}

// RFC 5213 §6.9.1.2: a PBA whose HI, ATT, MN-LL-ID or MN-ID differ from the PBU was not
// validated against our request.
bool echoes_request(const ProxyBindingUpdate& pbu, const ProxyBindingAck& pba) {
  const auto& sent = pbu.options;
  const auto& got = pba.options;
  return got.mn_id == sent.mn_id && got.handoff_indicator == sent.handoff_indicator &&
         got.access_tech == sent.access_tech && got.mn_link_layer_id == sent.mn_link_layer_id;
}

bool carries_specific_prefix(const std::vector<Prefix>& hnps) {
  return std::any_of(hnps.begin(), hnps.end(),
                     [](const Prefix& p) { return !is_unspecified(p.address); });
}

std::optional<MacAddress> mac_of(const Attachment& a) {
  if (a.mn_link_layer_id.size() != MacAddress{}.size()) return std::nullopt;
  MacAddress mac{};
  std::copy(a.mn_link_layer_id.begin(), a.mn_link_layer_id.end(), mac.begin());
  return mac;
}

MagError hold_error(HoldReason reason) {
  switch (reason) {
    case HoldReason::kServiceDenied:
      return MagError::kServiceDenied;
    case HoldReason::kAwaitingTimeSync:
      return MagError::kAwaitingTimeSync;
    case HoldReason::kOperator:
    case HoldReason::kNone:
      break;
  }
  return MagError::kHeldForOperator;
}

}  // namespace

std::string_view to_string(MagSessionState state) {
  switch (state) {
    case MagSessionState::kRegistering:
      return "registering";
    case MagSessionState::kBound:
      return "bound";
    case MagSessionState::kRefreshing:
      return "refreshing";
    case MagSessionState::kDeregistering:
      return "deregistering";
    case MagSessionState::kHeld:
      return "held";
  }
  return "invalid";
}

std::string_view to_string(SessionEndReason reason) {
  switch (reason) {
    case SessionEndReason::kDetached:
      return "detached";
    case SessionEndReason::kHandoffAway:
      return "handoff-away";
    case SessionEndReason::kRejected:
      return "rejected";
    case SessionEndReason::kRegistrationTimeout:
      return "registration-timeout";
    case SessionEndReason::kLifetimeExpired:
      return "lifetime-expired";
    case SessionEndReason::kAcknowledgementMismatch:
      return "acknowledgement-mismatch";
    case SessionEndReason::kPrefixesChanged:
      return "prefixes-changed";
  }
  return "invalid";
}

tl::expected<MagCore, MagError> MagCore::create(const MagConfig& config, const Clock& clock) {
  if (!valid_config(config)) return tl::unexpected(MagError::kInvalidConfig);
  return MagCore(config, clock);
}

tl::expected<MagActions, MagError> MagCore::attach(const Attachment& attachment) {
  if (!valid_attachment(attachment)) return tl::unexpected(MagError::kInvalidAttachment);
  const auto& mn_id = attachment.session.mn_id;
  // RFC 5213 §6.9.1.2: after 152 no PBU for this MN, on any interface, until an operator acts.
  for (auto it = bul_.lower_bound(MagSessionKey{mn_id, 0});
       it != bul_.end() && it->first.mn_id == mn_id; ++it) {
    if (it->second.hold == HoldReason::kServiceDenied)
      return tl::unexpected(MagError::kServiceDenied);
  }

  UpdateRateLimiter limiter{config_.max_updates_per_second};
  if (auto it = bul_.find(attachment.session); it != bul_.end()) {
    BulEntry& existing = it->second;
    switch (existing.state) {
      case MagSessionState::kHeld:
        existing.attachment = attachment;
        return tl::unexpected(hold_error(existing.hold));
      case MagSessionState::kRegistering:
      case MagSessionState::kBound:
      case MagSessionState::kRefreshing:
        return MagActions{};
      case MagSessionState::kDeregistering:
        // Back within INITIAL_BINDACK_TIMEOUT: a new registration replaces the de-registration.
        // The rate limiter carries over so that link flapping cannot exceed MAX_UPDATE_RATE.
        limiter = std::move(existing.limiter);
        bul_.erase(it);
        break;
    }
  }

  const auto now = clock_->now();
  const auto it = bul_.emplace(attachment.session, BulEntry{.attachment = attachment,
                                                            .created = now,
                                                            .limiter = std::move(limiter)})
                      .first;
  MagActions out;
  start_registration(it->second, now, out);
  return out;
}

tl::expected<MagActions, MagError> MagCore::detach(const MagSessionKey& session) {
  auto it = bul_.find(session);
  if (it == bul_.end()) return tl::unexpected(MagError::kUnknownSession);
  BulEntry& entry = it->second;
  MagActions out;
  switch (entry.state) {
    case MagSessionState::kHeld:
      // Unbound when it was held. No de-registration: a held session may not signal (the LMA
      // refused it or an operator must look first); a binding the LMA still has expires.
      bul_.erase(it);
      return out;
    case MagSessionState::kDeregistering:
      return out;
    case MagSessionState::kRegistering:
    case MagSessionState::kBound:
    case MagSessionState::kRefreshing:
      break;
  }
  out.events.emplace_back(unbind_event(entry, SessionEndReason::kDetached, std::nullopt));
  // §6.9.1.4: one HNP option per assigned prefix. Still registering, the LMA may have accepted
  // the PBU whose answer is in flight, so withdraw what we asked for.
  auto hnps = entry.assigned_hnps.empty() ? entry.tx->hnps : entry.assigned_hnps;
  entry.state = MagSessionState::kDeregistering;
  start_transaction(entry, PbuKind::kDeregistration, std::move(hnps), clock_->now(), out);
  return out;
}

tl::expected<MagActions, MagError> MagCore::handoff_away(const MagSessionKey& session) {
  auto it = bul_.find(session);
  if (it == bul_.end()) return tl::unexpected(MagError::kUnknownSession);
  MagActions out;
  const auto state = it->second.state;
  if (state == MagSessionState::kHeld || state == MagSessionState::kDeregistering) {
    bul_.erase(it);  // already unbound when it was held or detached
    return out;
  }
  end_session(it, SessionEndReason::kHandoffAway, std::nullopt, out);
  return out;
}

tl::expected<MagActions, MagError> MagCore::release(const MagSessionKey& session) {
  auto it = bul_.find(session);
  if (it == bul_.end()) return tl::unexpected(MagError::kUnknownSession);
  if (it->second.state != MagSessionState::kHeld) return tl::unexpected(MagError::kNotHeld);
  MagActions out;
  it->second.all_zero_fallback_used = false;
  start_registration(it->second, clock_->now(), out);
  return out;
}

MagActions MagCore::on_clock_synchronized() {
  MagActions out;
  const auto now = clock_->now();
  for (auto& [key, entry] : bul_) {
    if (entry.state == MagSessionState::kHeld && entry.hold == HoldReason::kAwaitingTimeSync)
      start_registration(entry, now, out);
  }
  return out;
}

MagActions MagCore::on_pba(const ProxyBindingAck& pba, const Ipv6Address& source) {
  MagActions out;
  ++stats_.pbas_by_status[static_cast<std::uint8_t>(pba.status)];
  // RFC 5213 §8.2: a PBA answering a PBU has P set; without it the LMA did not see a PBU.
  if ((pba.flags & ba_flag::kProxy) == 0 || !pba.options.mn_id) {
    ++stats_.pbas_invalid;
    return out;
  }
  const auto match = match_pba(pba, source);
  if (!match) {
    ++stats_.pbas_unmatched;
    return out;
  }
  BulEntry& entry = match->entry->second;
  const bool echoed = echoes_request(entry.tx->last_sent, pba);
  if (entry.tx->kind == PbuKind::kDeregistration) {
    // §6.9.1.4: PBA 0 ends the de-registration; anything else waits for the timeout.
    if (!echoed) ++stats_.pbas_mismatched;
    if (echoed && is_accepted(pba.status)) bul_.erase(match->entry);
    return out;
  }
  if (!echoed) {
    // §6.9.1.2: ignore it and do not retry until an operator acts.
    ++stats_.pbas_mismatched;
    hold(entry, HoldReason::kOperator, SessionEndReason::kAcknowledgementMismatch, std::nullopt,
         out);
    return out;
  }
  if (is_accepted(pba.status)) {
    on_accepted(entry, pba, match->sent, out);
  } else if (!match->latest_attempt) {
    // A newer attempt is in flight; its answer, not this one, decides.
    ++stats_.pbas_stale;
  } else {
    entry.last_status = pba.status;
    on_rejected(match->entry, pba, clock_->now(), out);
  }
  return out;
}

std::optional<MagCore::PbaMatch> MagCore::match_pba(const ProxyBindingAck& pba,
                                                    const Ipv6Address& source) {
  // RFC 5213 §6.9.1.2: match on MN-ID, then on the sequence number; the PBA must come from the
  // LMA the PBU went to.
  const auto& mn_id = *pba.options.mn_id;
  const auto first = bul_.lower_bound(MagSessionKey{mn_id, 0});
  auto same_mn = [&](Bul::iterator it) { return it != bul_.end() && it->first.mn_id == mn_id; };
  auto outstanding = [&](Bul::iterator it) {
    const auto& tx = it->second.tx;
    return tx && !tx->attempts.empty() && it->second.attachment.lma_address == source;
  };

  if (pba.status == PbaStatus::kSequenceOutOfWindow) {
    // RFC 6275 §9.5.1: a 135 carries the LMA's last accepted sequence number, not ours, so it
    // can only be matched on MN-ID and the echoed options, and only when that is unambiguous.
    std::optional<PbaMatch> match;
    for (auto it = first; same_mn(it); ++it) {
      if (!outstanding(it) || it->second.tx->kind == PbuKind::kDeregistration ||
          !echoes_request(it->second.tx->last_sent, pba))
        continue;
      if (match) return std::nullopt;
      match = PbaMatch{
          .entry = it, .sent = it->second.tx->attempts.back().sent, .latest_attempt = true};
    }
    return match;
  }

  for (auto it = first; same_mn(it); ++it) {
    if (!outstanding(it)) continue;
    const auto& attempts = it->second.tx->attempts;
    const auto attempt = std::find_if(attempts.begin(), attempts.end(),
                                      [&](const Attempt& a) { return a.sequence == pba.sequence; });
    if (attempt == attempts.end()) continue;
    return PbaMatch{.entry = it,
                    .sent = attempt->sent,
                    .latest_attempt = pba.sequence == attempts.back().sequence};
  }
  return std::nullopt;
}

std::optional<SteadyTime> MagCore::next_deadline() const {
  std::optional<SteadyTime> earliest;
  for (const auto& [key, entry] : bul_) {
    const auto deadline = deadline_of(entry);
    if (deadline && (!earliest || *deadline < *earliest)) earliest = deadline;
  }
  return earliest;
}

MagActions MagCore::on_timer(SteadyTime now) {
  MagActions out;
  for (auto it = bul_.begin(); it != bul_.end();) {
    const auto next = std::next(it);
    // Every step moves the entry's deadline past `now` or removes the entry, so this ends.
    for (;;) {
      const auto deadline = deadline_of(it->second);
      if (!deadline || *deadline > now || !on_deadline(it, now, out)) break;
    }
    it = next;
  }
  return out;
}

std::vector<MagBindingView> MagCore::bindings() const {
  const auto now = clock_->now();
  std::vector<MagBindingView> views;
  views.reserve(bul_.size());
  for (const auto& [key, entry] : bul_) {
    MagBindingView view{
        .session = key,
        .hnps = entry.assigned_hnps,
        .lma = entry.attachment.lma_address,
        .access_tech = entry.attachment.access_tech,
        .handoff = entry.last_handoff,
        .state = entry.state,
        .hold = entry.hold,
        .granted_lifetime =
            std::chrono::seconds{std::int64_t{entry.granted_lifetime} * kLifetimeUnitSeconds},
        .age = std::chrono::duration_cast<std::chrono::seconds>(now - entry.created),
        .last_status = entry.last_status};
    const bool bound =
        entry.state == MagSessionState::kBound || entry.state == MagSessionState::kRefreshing;
    if (bound) {
      view.lifetime_left = std::chrono::duration_cast<std::chrono::seconds>(
          std::max(entry.binding_expires - now, SteadyTime::duration::zero()));
    }
    views.push_back(std::move(view));
  }
  return views;
}

void MagCore::start_registration(BulEntry& entry, SteadyTime now, MagActions& out) {
  entry.state = MagSessionState::kRegistering;
  entry.hold = HoldReason::kNone;
  entry.assigned_hnps.clear();
  entry.granted_lifetime = 0;
  // §6.9.1.1: the policy's prefixes, or exactly one ALL_ZERO HNP asking the LMA to assign.
  const auto& requested = entry.attachment.requested_hnps;
  auto hnps =
      requested.empty() || entry.all_zero_fallback_used ? std::vector<Prefix>{Prefix{}} : requested;
  start_transaction(entry, PbuKind::kRegistration, std::move(hnps), now, out);
}

void MagCore::start_transaction(BulEntry& entry, PbuKind kind, std::vector<Prefix> hnps,
                                SteadyTime now, MagActions& out) {
  entry.tx = Transaction{.kind = kind, .hnps = std::move(hnps)};
  transmit(entry, now, out);
}

void MagCore::transmit(BulEntry& entry, SteadyTime now, MagActions& out) {
  Transaction& tx = *entry.tx;
  const auto slot = entry.limiter.earliest_send(now);
  if (slot > now) {
    if (!tx.send_at) ++stats_.pbus_deferred;
    tx.send_at = slot;
    return;
  }
  tx.send_at.reset();

  ProxyBindingUpdate pbu = build_pbu(entry, tx.kind, tx.hnps);
  // §6.9.4 / RFC 6275 §11.8. A de-registration is never retransmitted: after
  // INITIAL_BINDACK_TIMEOUT the entry goes regardless (§6.9.1.4).
  const auto first_timeout = tx.kind == PbuKind::kRegistration ? config_.first_registration_timeout
                                                               : config_.initial_bindack_timeout;
  tx.retry_at =
      now + (tx.kind == PbuKind::kDeregistration
                 ? config_.initial_bindack_timeout
                 : bindack_timeout(first_timeout, config_.max_bindack_timeout, tx.transmissions));
  if (tx.attempts.size() == kMatchableAttempts) tx.attempts.erase(tx.attempts.begin());
  tx.attempts.push_back(Attempt{.sequence = pbu.sequence, .sent = now});
  if (tx.transmissions > 0) ++stats_.pbus_retransmitted;
  ++tx.transmissions;
  ++stats_.pbus_sent;
  entry.limiter.record_send(now);
  entry.last_handoff = *pbu.options.handoff_indicator;
  tx.last_sent = pbu;
  out.messages.push_back(
      PbuToSend{.destination = entry.attachment.lma_address, .pbu = std::move(pbu)});
}

ProxyBindingUpdate MagCore::build_pbu(const BulEntry& entry, PbuKind kind,
                                      const std::vector<Prefix>& hnps) {
  const Attachment& a = entry.attachment;
  ProxyBindingUpdate pbu;
  // §6.9.1.1 (6): the sequence number comes from the MAG-wide counter even in timestamp mode,
  // so that PBAs can be matched; every attempt takes a new, larger one (§6.9.4).
  pbu.sequence = next_sequence_++;
  pbu.flags = bu_flag::kAck | bu_flag::kProxy;  // §6.9.1.5: A and P
  pbu.lifetime = kind == PbuKind::kDeregistration ? 0 : lifetime_units(a.lifetime);

  MobilityOptions& o = pbu.options;
  o.mn_id = a.session.mn_id;
  o.home_network_prefixes = hnps;
  switch (kind) {
    case PbuKind::kRegistration:
      o.handoff_indicator = handoff_indicator(a.arrival);
      break;
    case PbuKind::kRefresh:
      o.handoff_indicator = HandoffIndicator::kNoHandoff;  // §6.9.1.3
      break;
    case PbuKind::kDeregistration:
      o.handoff_indicator = HandoffIndicator::kHandoffUnknown;  // §6.9.1.4
      break;
  }
  o.access_tech = a.access_tech;
  // §6.9.1.1: the MN-LL-ID only when it is known and non-zero.
  if (!a.mn_link_layer_id.empty() && !is_zero(a.mn_link_layer_id))
    o.mn_link_layer_id = a.mn_link_layer_id;
  // §6.9.1.1: ask for a per-session link-local address unless a fixed one is configured.
  if (is_unspecified(config_.fixed_link_local)) o.link_local_address = Ipv6Address{};
  // §6.9.4: every attempt carries the current time.
  if (config_.timestamp_option) o.timestamp = to_pmip_timestamp(clock_->wall_now());
  return pbu;
}

void MagCore::retry_now(Bul::iterator it, SteadyTime now, MagActions& out) {
  BulEntry& entry = it->second;
  if (entry.tx->kind == PbuKind::kRegistration &&
      entry.tx->transmissions > config_.max_registration_retransmissions) {
    end_session(it, SessionEndReason::kRejected, entry.last_status, out);
    return;
  }
  transmit(entry, now, out);
}

void MagCore::on_accepted(BulEntry& entry, const ProxyBindingAck& pba, SteadyTime sent,
                          MagActions& out) {
  std::vector<Prefix> hnps;
  for (const auto& p : pba.options.home_network_prefixes)
    if (!is_unspecified(p.address)) hnps.push_back(p);
  if (hnps.empty() || pba.lifetime == 0) {
    // Nothing to bind (§5.3.6 requires the assigned prefixes). Keep retrying; the
    // retransmission limit or the lifetime ends the session if the LMA insists.
    ++stats_.pbas_invalid;
    return;
  }
  std::sort(hnps.begin(), hnps.end());

  const bool was_bound = entry.state == MagSessionState::kRefreshing;
  const bool prefixes_changed = was_bound && hnps != entry.assigned_hnps;
  if (prefixes_changed)
    out.events.emplace_back(unbind_event(entry, SessionEndReason::kPrefixesChanged, std::nullopt));

  if (pba.options.link_local_address && !is_unspecified(*pba.options.link_local_address))
    entry.lma_link_local = *pba.options.link_local_address;
  entry.assigned_hnps = std::move(hnps);
  entry.granted_lifetime = pba.lifetime;
  entry.last_status = pba.status;
  // The LMA started the lifetime when it accepted the PBU, which is after we sent it: counting
  // from the send keeps our view of the binding on the safe side (RFC 6275 §11.7.3).
  const std::chrono::milliseconds granted =
      std::chrono::seconds{std::int64_t{pba.lifetime} * kLifetimeUnitSeconds};
  entry.binding_expires = sent + granted;
  entry.refresh_at = sent + granted * config_.refresh_at_percent / 100;
  entry.state = MagSessionState::kBound;
  entry.tx.reset();

  if (!was_bound || prefixes_changed) {
    out.events.emplace_back(
        MagBindEvent{.session = entry.attachment.session,
                     .mn_mac = mac_of(entry.attachment),
                     .hnps = entry.assigned_hnps,
                     .lma = entry.attachment.lma_address,
                     .mag_link_local = mag_link_local(entry),
                     .lifetime = std::chrono::duration_cast<std::chrono::seconds>(granted)});
  }
}

void MagCore::on_rejected(Bul::iterator it, const ProxyBindingAck& pba, SteadyTime now,
                          MagActions& out) {
  BulEntry& entry = it->second;
  // RFC 5213 §6.9.1.2 and RFC 6275 §11.7.3, one case per status the MAG can act on.
  switch (pba.status) {
    case PbaStatus::kSequenceOutOfWindow: {
      // The PBA carries the last sequence number the LMA accepted: continue above it.
      const auto above = static_cast<std::uint16_t>(pba.sequence + 1);
      if (sequence_after(above, next_sequence_)) next_sequence_ = above;
      retry_now(it, now, out);
      return;
    }
    case PbaStatus::kTimestampLowerThanPrevAccepted:
      // Our clock is fine; a fresh timestamp is enough.
      retry_now(it, now, out);
      return;
    case PbaStatus::kTimestampMismatch:
      // Never adopt the LMA's time; wait for the domain's time source.
      hold(entry, HoldReason::kAwaitingTimeSync, SessionEndReason::kRejected, pba.status, out);
      return;
    case PbaStatus::kProxyRegNotEnabled:
      hold(entry, HoldReason::kServiceDenied, SessionEndReason::kRejected, pba.status, out);
      return;
    case PbaStatus::kNotAuthorizedForHomeNetworkPrefix:
      // Never ask for the refused prefixes again; one registration asking for any prefix.
      if (!entry.all_zero_fallback_used && carries_specific_prefix(entry.tx->hnps)) {
        if (!entry.assigned_hnps.empty())
          out.events.emplace_back(unbind_event(entry, SessionEndReason::kRejected, pba.status));
        entry.all_zero_fallback_used = true;
        start_registration(entry, now, out);
        return;
      }
      break;
    default:
      break;
  }
  // Any other rejection: nothing may be forwarded or advertised for this MN.
  end_session(it, SessionEndReason::kRejected, pba.status, out);
}

bool MagCore::on_deadline(Bul::iterator it, SteadyTime now, MagActions& out) {
  BulEntry& entry = it->second;
  if (entry.state == MagSessionState::kRefreshing && entry.binding_expires <= now) {
    end_session(it, SessionEndReason::kLifetimeExpired, std::nullopt, out);
    return false;
  }
  if (entry.state == MagSessionState::kBound) {
    // §6.9.1.3 (with §6.13): only attached MNs are here, detached ones are de-registering.
    entry.state = MagSessionState::kRefreshing;
    start_transaction(entry, PbuKind::kRefresh, entry.assigned_hnps, now, out);
    return true;
  }
  Transaction& tx = *entry.tx;
  if (tx.send_at) {
    transmit(entry, now, out);
    return true;
  }
  switch (tx.kind) {
    case PbuKind::kDeregistration:
      bul_.erase(it);  // §6.9.1.4: no PBA within INITIAL_BINDACK_TIMEOUT
      return false;
    case PbuKind::kRegistration:
      if (tx.transmissions > config_.max_registration_retransmissions) {
        end_session(it, SessionEndReason::kRegistrationTimeout, std::nullopt, out);
        return false;
      }
      break;
    case PbuKind::kRefresh:
      break;  // retried until the binding expires
  }
  transmit(entry, now, out);
  return true;
}

void MagCore::end_session(Bul::iterator it, SessionEndReason reason,
                          std::optional<PbaStatus> status, MagActions& out) {
  out.events.emplace_back(unbind_event(it->second, reason, status));
  bul_.erase(it);
}

void MagCore::hold(BulEntry& entry, HoldReason reason, SessionEndReason why,
                   std::optional<PbaStatus> status, MagActions& out) {
  out.events.emplace_back(unbind_event(entry, why, status));
  entry.state = MagSessionState::kHeld;
  entry.hold = reason;
  entry.tx.reset();
  entry.assigned_hnps.clear();
  entry.granted_lifetime = 0;
}

MagUnbindEvent MagCore::unbind_event(const BulEntry& entry, SessionEndReason reason,
                                     std::optional<PbaStatus> status) const {
  return MagUnbindEvent{.session = entry.attachment.session,
                        .mn_mac = mac_of(entry.attachment),
                        .hnps = entry.assigned_hnps,
                        .lma = entry.attachment.lma_address,
                        .reason = reason,
                        .status = status};
}

std::optional<SteadyTime> MagCore::deadline_of(const BulEntry& entry) const {
  switch (entry.state) {
    case MagSessionState::kHeld:
      return std::nullopt;
    case MagSessionState::kBound:
      return entry.refresh_at;
    case MagSessionState::kRegistering:
    case MagSessionState::kDeregistering:
      break;
    case MagSessionState::kRefreshing:
      return std::min(entry.tx->send_at.value_or(entry.tx->retry_at), entry.binding_expires);
  }
  return entry.tx->send_at.value_or(entry.tx->retry_at);
}

std::optional<Ipv6Address> MagCore::mag_link_local(const BulEntry& entry) const {
  if (!is_unspecified(config_.fixed_link_local)) return config_.fixed_link_local;
  return entry.lma_link_local;
}

}  // namespace xpmip
