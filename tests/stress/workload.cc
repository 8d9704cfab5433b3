#include "tests/stress/workload.h"

#include <algorithm>
#include <array>
#include <memory>
#include <random>
#include <utility>

#include "cvault/vault.h"
#include "tests/stress/ack_log.h"
#include "tests/stress/ack_model.h"
#include "tests/stress/peer_logs.h"
#include "tests/stress/record_checks.h"

namespace cvault::stress {
namespace {

enum class Op {
  kCreate,
  kReadOwn,
  kReadPeer,
  kUpdate,
  kConsent,
  kOpenRefund,
  kMoveRefund,
  kErase,
  kAuditTail,
};

struct WeightedOp {
  Op op;
  int weight;
};

// Creates outnumber erasures three to one, so most customers live long
// enough to be updated, consented for and read by the others.
constexpr WeightedOp kMix[] = {
    {Op::kCreate, 18},     {Op::kReadOwn, 12}, {Op::kReadPeer, 6},
    {Op::kUpdate, 14},     {Op::kConsent, 12}, {Op::kOpenRefund, 8},
    {Op::kMoveRefund, 16}, {Op::kErase, 6},    {Op::kAuditTail, 2},
};

constexpr std::array kUpdatedFields = {
    CustomerField::kFullName, CustomerField::kPostalAddress, CustomerField::kCountry,
    CustomerField::kLanguage, CustomerField::kExternalRef};
constexpr std::array kCountries = {"DE", "FR", "GB", "NL", "SE", "IT"};
constexpr std::array kLanguages = {"en", "de", "fr", "nl", "sv", "it"};
// Peers' logs are re-read at most this often (in operations).
constexpr std::uint64_t kPeerRefreshEvery = 5;

// The statuses a case may move to next; the forward ones first, which the
// workload picks more often so that cases get through their lifecycle.
std::vector<RefundStatus> NextStatuses(RefundStatus from) {
  using enum RefundStatus;
  switch (from) {
    case kRequested:
      return {kUnderReview, kWithdrawn};
    case kUnderReview:
      return {kApproved, kDenied, kWithdrawn};
    case kApproved:
      return {kProcessing};
    case kProcessing:
      return {kCompleted, kFailed};
    default:
      return {};
  }
}

class Workload {
 public:
  Workload(const WorkloadOptions& options, std::unique_ptr<Vault> vault, AckWriter writer,
           WorkloadResult& result)
      : o_(options),
        vault_(std::move(vault)),
        writer_(std::move(writer)),
        result_(result),
        rng_(options.seed * 1000003 + options.worker),
        tag_("w" + std::to_string(options.worker) + "s" + std::to_string(options.seed)),
        principal_("stress-" + tag_),
        peers_(options.peer_acks) {}

  void Run() {
    for (std::uint64_t i = 0; i < o_.ops && result_.fatal.ok(); ++i) {
      if (o_.rotate_kek_at == i) RotateKek();
      if (o_.purge_at == i) Purge();
      if (o_.backup_at == i) Backup();
      RunOne(PickOp());
      ++result_.operations;
    }
    Status closed = vault_->Close();
    if (!closed.ok()) CountError("close", closed);
  }

 private:
  Op PickOp() {
    int total = 0;
    for (const WeightedOp& w : kMix) total += w.weight;
    int pick = static_cast<int>(Below(static_cast<std::size_t>(total)));
    for (const WeightedOp& w : kMix) {
      if (pick < w.weight) return w.op;
      pick -= w.weight;
    }
    return Op::kCreate;
  }

  void RunOne(Op op) {
    // Without a customer of its own yet, a worker creates one.
    if (op != Op::kReadPeer && op != Op::kMoveRefund && op != Op::kAuditTail &&
        op != Op::kReadOwn && live_.empty()) {
      op = Op::kCreate;
    }
    switch (op) {
      case Op::kCreate:
        return Create();
      case Op::kReadOwn:
        return ReadOwn();
      case Op::kReadPeer:
        return ReadPeer();
      case Op::kUpdate:
        return Update();
      case Op::kConsent:
        return ChangeConsent();
      case Op::kOpenRefund:
        return OpenRefund();
      case Op::kMoveRefund:
        return MoveRefund();
      case Op::kErase:
        return Erase();
      case Op::kAuditTail:
        return AuditTail();
    }
  }

  // --- Customers -----------------------------------------------------------

  void Create() {
    const std::string n = tag_ + "n" + std::to_string(created_++);
    NewCustomer c;
    c.full_name = "Stress Person " + n;
    c.email = n + "@stress.example.com";
    auto id = vault_->customers().Create(AccountService(principal_), c);
    if (!id) return CountError("create", id.error());
    Record({AckKind::kCreate, false, id->str(), c.email, c.full_name, ""});
    live_.push_back(id->str());
  }

  // The full check of one of this worker's customers, erased ones included:
  // nobody else changes them, so the log says exactly what must be read.
  void ReadOwn() {
    if (own_.customers().empty()) return;
    auto it = own_.customers().begin();
    std::advance(it, static_cast<std::ptrdiff_t>(Below(own_.customers().size())));
    for (const CheckFailure& failure : CheckCustomer(*vault_, it->second, principal_)) {
      // An error is only "not acknowledged" while the others run.
      if (failure.error) {
        CountError("read_own", *failure.error);
      } else {
        Violation(it->first, failure.what);
      }
    }
  }

  // Another worker's customer: whatever its owner did last may not be in
  // its log yet, but an erasure its log acknowledged must hold.
  void ReadPeer() {
    RefreshPeers();
    if (peers_.customers().empty()) return;
    const std::string& id_text = Pick(peers_.customers());
    const ExpectedCustomer& expected = peers_.model().customers().at(id_text);
    auto id = CustomerId::Parse(id_text);
    if (!id) return;
    auto record = vault_->customers().Get(SupportAgent(principal_), *id);
    if (!record) return CountError("read_peer", record.error());
    if (!expected.MayExist()) {
      return Violation(id_text,
                       "a customer whose erasure its owner acknowledged was read");
    }
    if (record->id != *id) Violation(id_text, "a read by id returned another customer");
    auto found =
        vault_->customers().FindByEmail(SupportAgent(principal_), expected.email);
    if (!found) return CountError("find_peer", found.error());
    if (*found != *id) Violation(id_text, "a lookup by email found another customer");
  }

  void Update() {
    const std::string& id_text = Pick(live_);
    CustomerField field = kUpdatedFields[Below(kUpdatedFields.size())];
    const std::string v = tag_ + "u" + std::to_string(updates_++);
    std::string value;
    CustomerUpdate u;
    switch (field) {
      case CustomerField::kFullName:
        u.full_name = value = "Stress Renamed " + v;
        break;
      case CustomerField::kPostalAddress:
        u.postal_address = value = "Stress Street " + v;
        break;
      case CustomerField::kCountry:
        u.country = value = kCountries[Below(kCountries.size())];
        break;
      case CustomerField::kLanguage:
        u.language = value = kLanguages[Below(kLanguages.size())];
        break;
      default:
        u.external_ref = value = "acct-" + v;
        break;
    }
    AckRecord line{
        AckKind::kUpdate, true, id_text, std::string(FieldName(field)), value, ""};
    if (!Record(line)) return;
    Status s = vault_->customers().Update(AccountService(principal_),
                                          *CustomerId::Parse(id_text), u);
    if (!s.ok()) return CountError("update", s);
    line.attempt = false;
    Record(line);
  }

  // Withdraws active consent, gives it otherwise: the workload follows the
  // state its own log pins down.
  void ChangeConsent() {
    const std::string& id_text = Pick(live_);
    const ExpectedCustomer& c = own_.customers().at(id_text);
    const bool withdraw = c.consent.acknowledged == ConsentStatusAfter("given");
    AckRecord line{AckKind::kConsent,
                   true,
                   id_text,
                   kConsentPurpose,
                   withdraw ? "withdrawn" : "given",
                   ""};
    if (!Record(line)) return;
    const CustomerId id = *CustomerId::Parse(id_text);
    Status s;
    if (withdraw) {
      s = StatusOf(
          vault_->consents().Withdraw(AccountService(principal_), id, kConsentPurpose));
    } else {
      ConsentGrant g;
      g.purpose = kConsentPurpose;
      g.notice_id = kNoticeId;
      g.notice_version = kNoticeVersion;
      g.collection_method = "checkbox";
      g.channel = "web";
      s = StatusOf(vault_->consents().Grant(AccountService(principal_), id, g));
    }
    if (!s.ok()) return CountError(withdraw ? "withdraw" : "grant", s);
    line.attempt = false;
    Record(line);
  }

  void Erase() {
    // Keep a few customers alive to update and read.
    if (live_.size() < 3) return Create();
    std::size_t index = Below(live_.size());
    const std::string id_text = live_[index];
    // Once an erasure was attempted the customer is left alone: it may be
    // gone.
    live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(index));
    AckRecord line{AckKind::kErase, true, id_text, "", "", ""};
    if (!Record(line)) return;
    auto erased = vault_->rights().Erase(Dpo(principal_), *CustomerId::Parse(id_text));
    if (!erased) return CountError("erase", erased.error());
    line.attempt = false;
    Record(line);
  }

  // --- Tickets and refund cases -------------------------------------------

  // A substantial ticket support could not fix, and a refund case resting
  // on it, assessed: eligible, so the case can go all the way.
  void OpenRefund() {
    const std::string& id_text = Pick(live_);
    const CustomerId customer = *CustomerId::Parse(id_text);
    const std::string n = tag_ + "r" + std::to_string(refunds_opened_++);
    NewTicket t;
    t.customer = customer;
    t.product = {ProductKind::kPlugin, "stress-plugin-1"};
    t.summary = "Stress ticket " + n + ": the plugin breaks checkout";
    t.substantial = true;
    auto ticket = vault_->support().OpenTicket(SupportAgent(principal_), t);
    if (!ticket) return CountError("open_ticket", ticket.error());
    if (!Record({AckKind::kTicket, false, *ticket, id_text, "", ""})) return;
    Status resolved = vault_->support().Resolve(SupportAgent(principal_), *ticket,
                                                TicketState::kUnfixable);
    if (!resolved.ok()) return CountError("resolve_ticket", resolved);
    NewPurchase sale;
    sale.customer = customer;
    sale.order_ref = "ORD-" + n;
    sale.product = t.product;
    sale.charge.processor = Processor::kStripe;
    sale.charge.charge_id = "ch_3StressCharge0000001";
    sale.charge.amount_minor = 4900;
    sale.charge.currency = "EUR";
    sale.policy_version = "2026-01";
    sale.purchased_at = SystemClock()->Now();
    auto purchase = vault_->refunds().RecordPurchase(RefundService(principal_), sale);
    if (!purchase) return CountError("record_purchase", purchase.error());
    NewRefundCase r;
    r.customer = customer;
    r.order_ref = "ORD-" + n;
    r.product = t.product;
    r.reason = RefundReason::kFunctionalDefect;
    r.ticket_ids = {*ticket};
    auto refund = vault_->refunds().Open(RefundService(principal_), r);
    if (!refund) return CountError("open_refund", refund.error());
    if (!Record({AckKind::kRefundOpen, false, *refund, id_text, "", ""})) return;
    own_cases_.push_back(*refund);
    auto assessed = vault_->refunds().Assess(RefundService(principal_), *refund);
    if (!assessed) CountError("assess", assessed.error());
  }

  // Moves one of its own or another worker's cases a step on. Two workers
  // may read the same status and try the same move: at most one may win.
  void MoveRefund() {
    RefreshPeers();
    const bool shared =
        !peers_.refund_cases().empty() && (own_cases_.empty() || Below(2) == 0);
    if (!shared && own_cases_.empty()) return;
    const std::string case_id = shared ? Pick(peers_.refund_cases()) : Pick(own_cases_);
    auto refund = vault_->refunds().Get(RefundService(principal_), case_id);
    if (!refund) return CountError("read_refund", refund.error());
    std::vector<RefundStatus> next = NextStatuses(refund->status);
    if (next.empty()) return;
    // Forward three times in four; otherwise any allowed move.
    RefundStatus to = Below(4) > 0 ? next.front() : next[Below(next.size())];
    // Marking a refund paid is another principal's duty than approving it
    // (separation of duties).
    const std::string mover =
        to == RefundStatus::kCompleted ? principal_ + "-payout" : principal_;
    if (to == RefundStatus::kCompleted) {
      // Paid means refunded at the processor: its refund id goes on first.
      PaymentReference refund;
      refund.processor = Processor::kStripe;
      refund.charge_id = "ch_3StressCharge0000001";
      refund.refund_id = "re_" + case_id.substr(4);  // the case's own base32 part
      refund.amount_minor = 4900;
      refund.currency = "EUR";
      Status paid =
          vault_->refunds().AttachPayment(RefundService(mover), case_id, refund);
      if (!paid.ok()) return CountError("attach_refund", paid);
    }
    Status s = vault_->refunds().Transition(RefundService(mover), case_id, to,
                                            "stress move");
    if (!s.ok()) return CountError("move_refund", s);
    Record({AckKind::kRefundMove, false, case_id, std::string(RefundStatusName(to)), "",
            ""});
  }

  void AuditTail() {
    auto tail = vault_->audit().Tail(Auditor(principal_), 5);
    if (!tail) CountError("audit_tail", tail.error());
  }

  // --- Jobs ------------------------------------------------------------------

  void RotateKek() {
    if (!Record({AckKind::kRotate, true, "", "", "", ""})) return;
    auto rotated =
        vault_->operations().RotateKek(Operator(principal_), {}, o_.rotate_batch);
    if (!rotated) return CountError("rotate_kek", rotated.error());
    Record({AckKind::kRotate, false, "", "", "", ""});
  }

  void Purge() {
    if (!Record({AckKind::kPurge, true, "", "", "", ""})) return;
    auto purged = vault_->rights().Purge(Dpo(principal_));
    if (!purged) return CountError("purge", purged.error());
    Record({AckKind::kPurge, false, "", "", "", ""});
  }

  void Backup() {
    AckRecord line{AckKind::kBackup, true, "", o_.backup_dir.string(), "", ""};
    if (!Record(line)) return;
    auto backup = vault_->operations().Backup(Operator(principal_), o_.backup_dir);
    if (!backup) return CountError("backup", backup.error());
    line.attempt = false;
    Record(line);
  }

  // --- Plumbing --------------------------------------------------------------

  // Appends the line, and applies it to the worker's model of its own
  // records. False (and the worker stops) when the log cannot be written:
  // nothing could be acknowledged any more.
  bool Record(const AckRecord& line) {
    Status s = writer_.Append(line);
    if (!s.ok()) {
      result_.fatal = s;
      return false;
    }
    own_.Apply(line);
    if (!line.attempt && line.kind != AckKind::kViolation) ++result_.acknowledged;
    return true;
  }

  void Violation(const std::string& id, const std::string& what) {
    ++result_.violations;
    Record({AckKind::kViolation, false, id, "", what, ""});
  }

  void CountError(const std::string& op, const Status& s) {
    std::string key = op + ":" + std::string(StatusCodeName(s.code()));
    if (!s.reason_code().empty()) key += "/" + s.reason_code();
    if (++result_.errors[key] == 1) result_.first_errors[key] = Describe(s);
  }

  // Re-reading the peers' logs costs a little, so at most every few
  // operations; a stale view only makes the checks weaker, never wrong.
  void RefreshPeers() {
    if (refreshed_ && result_.operations - last_refresh_ < kPeerRefreshEvery) return;
    refreshed_ = true;
    last_refresh_ = result_.operations;
    peers_.Refresh();
  }

  // Uniform in [0, n). REQUIRES: n > 0.
  std::size_t Below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  const std::string& Pick(const std::vector<std::string>& from) {
    return from[Below(from.size())];
  }

  const WorkloadOptions& o_;
  std::unique_ptr<Vault> vault_;
  AckWriter writer_;
  WorkloadResult& result_;
  std::mt19937_64 rng_;
  const std::string tag_;          // "w<worker>s<seed>": unique emails and values
  const std::string principal_;    // in the audit log
  AckModel own_;                   // what this worker's log says so far
  std::vector<std::string> live_;  // own customers with no erasure attempted
  std::vector<std::string> own_cases_;
  PeerLogs peers_;
  bool refreshed_ = false;
  std::uint64_t last_refresh_ = 0;
  std::uint64_t created_ = 0;
  std::uint64_t updates_ = 0;
  std::uint64_t refunds_opened_ = 0;
};

}  // namespace

std::string WorkloadResult::Summary() const {
  std::string out = std::to_string(operations) + " operations, " +
                    std::to_string(acknowledged) + " acknowledged, " +
                    std::to_string(violations) + " violations seen";
  if (!fatal.ok()) out += ", stopped: " + Describe(fatal);
  if (!errors.empty()) {
    out += "; errors (not acknowledged):";
    for (const auto& [key, n] : errors) out += " " + key + "=" + std::to_string(n);
  }
  for (const auto& [key, message] : first_errors) {
    out += "\n  first " + key + ": " + message;
  }
  return out;
}

WorkloadResult RunWorkload(const WorkloadOptions& options) {
  WorkloadResult result;
  auto writer = AckWriter::Open(options.ack_file);
  if (!writer) {
    result.fatal = writer.error();
    return result;
  }
  auto vault = Vault::Open(StressOptions(options.paths, options.durability));
  if (!vault) {
    result.fatal = vault.error().WithContext("cannot open the vault");
    return result;
  }
  Workload(options, std::move(*vault), std::move(*writer), result).Run();
  return result;
}

}  // namespace cvault::stress
