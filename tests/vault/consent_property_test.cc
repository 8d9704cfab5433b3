// Property-style test: random sequences of grant / withdraw / renew /
// record-expiry / time passing / reads, checked against a simple model.
// Properties: a read for a consent-based purpose succeeds exactly when the
// model says consent is active at that instant, and Status(as_of) agrees
// with the model at every past instant probed. Seeded, so failures replay.
#include <gtest/gtest.h>

#include <random>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::As;
using testing::Auditor;

struct ModelEvent {
  std::int64_t time_us;
  ConsentEventType type;
  std::optional<std::int64_t> expires_us;
};

// The whole definition of consent state, written independently of the code.
ConsentStatus ModelStatus(const std::vector<ModelEvent>& events, std::int64_t at) {
  const ModelEvent* last = nullptr;
  for (const ModelEvent& e : events) {
    if (e.time_us <= at) last = &e;
  }
  if (last == nullptr) return ConsentStatus::kNeverGiven;
  if (last->type == ConsentEventType::kWithdrawn) return ConsentStatus::kWithdrawn;
  if (last->type == ConsentEventType::kExpired) return ConsentStatus::kExpired;
  if (last->expires_us && *last->expires_us <= at) return ConsentStatus::kExpired;
  return ConsentStatus::kActive;
}

class ConsentPropertyTest : public testing::VaultTest,
                            public ::testing::WithParamInterface<unsigned> {};

TEST_P(ConsentPropertyTest, ReadsAndStatusFollowTheModel) {
  std::mt19937 rng(GetParam());
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  ASSERT_TRUE(vault_->consents()
                  .RegisterNotice(As("dpo", "legal_compliance"), "privacy", "1", "text")
                  .has_value());
  CustomerId ada = AddAda();
  AccessContext marketing = As("marketing-service", "marketing");
  std::vector<ModelEvent> model;
  std::vector<std::int64_t> probes;
  auto now = [&] { return clock_->Now().time_since_epoch().count(); };
  auto random_expiry = [&]() -> std::optional<Timestamp> {
    // Mostly short expiries, so that lapsed consent is common.
    if (pick(3) == 0) return std::nullopt;
    return clock_->Now() + std::chrono::minutes(1 + pick(6 * 60));
  };
  auto to_us = [](std::optional<Timestamp> t) -> std::optional<std::int64_t> {
    if (!t) return std::nullopt;
    return t->time_since_epoch().count();
  };

  for (int step = 0; step < 80; ++step) {
    SCOPED_TRACE(::testing::Message() << "seed " << GetParam() << " step " << step);
    ConsentStatus expected = ModelStatus(model, now());
    // Weighted: time passing and reads are the most common steps.
    constexpr int kWeights[] = {2, 1, 1, 2, 4, 4};  // grant .. read
    int roll = pick(14);
    int op = 0;
    while (roll >= kWeights[op]) roll -= kWeights[op++];
    switch (op) {
      case 0: {  // grant
        ConsentGrant g;
        g.purpose = "marketing";
        g.notice_id = "privacy";
        g.notice_version = "1";
        g.collection_method = "web_form";
        g.channel = "web";
        g.expires_at = random_expiry();
        ASSERT_TRUE(vault_->consents().Grant(AccountService(), ada, g).has_value());
        model.push_back({now(), ConsentEventType::kGiven, to_us(g.expires_at)});
        break;
      }
      case 1: {  // withdraw
        auto r = vault_->consents().Withdraw(AccountService(), ada, "marketing");
        ASSERT_EQ(r.has_value(), expected == ConsentStatus::kActive);
        if (r) model.push_back({now(), ConsentEventType::kWithdrawn, std::nullopt});
        break;
      }
      case 2: {  // renew
        auto expiry = random_expiry();
        auto r = vault_->consents().Renew(AccountService(), ada, "marketing", expiry);
        bool ok =
            expected == ConsentStatus::kActive || expected == ConsentStatus::kExpired;
        ASSERT_EQ(r.has_value(), ok);
        if (r) model.push_back({now(), ConsentEventType::kRenewed, to_us(expiry)});
        break;
      }
      case 3: {  // record an expiry that has passed
        auto r = vault_->consents().RecordExpiry(As("dpo", "dsr"), ada, "marketing");
        bool ok = expected == ConsentStatus::kExpired &&
                  model.back().type != ConsentEventType::kExpired;
        ASSERT_EQ(r.has_value(), ok);
        if (r)
          model.push_back({now(), ConsentEventType::kExpired, model.back().expires_us});

        break;
      }
      case 4:  // time passes (sometimes not at all: equal timestamps)
        if (pick(4) != 0) clock_->Advance(std::chrono::minutes(1 + pick(12 * 60)));
        break;
      default: {  // read
        probes.push_back(now());
        auto r = vault_->customers().Get(marketing, ada);
        ASSERT_EQ(r.has_value(), expected == ConsentStatus::kActive)
            << (r ? "read allowed" : r.error().ToString());
        if (r) {
          EXPECT_EQ(r->fields.at(CustomerField::kEmail), "ada.lovelace@example.com");
        } else {
          EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
        }
        break;
      }
    }
  }
  // Status as of every probed instant, and of instants between events.
  for (const ModelEvent& e : model) {
    probes.push_back(e.time_us);
    if (e.expires_us) {  // both sides of the lapse
      probes.push_back(*e.expires_us - 1);
      probes.push_back(*e.expires_us);
    }
  }
  for (std::size_t i = 0; i + 1 < model.size(); ++i) {
    probes.push_back((model[i].time_us + model[i + 1].time_us) / 2);
  }
  for (std::int64_t at : probes) {
    auto states = vault_->consents().Status(Auditor(), ada,
                                            Timestamp(std::chrono::microseconds(at)));
    ASSERT_TRUE(states.has_value());
    for (const ConsentState& s : *states) {
      if (s.purpose != "marketing") continue;
      EXPECT_EQ(s.status, ModelStatus(model, at)) << "as of " << at;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ConsentPropertyTest, ::testing::Range(1u, 13u));

}  // namespace
}  // namespace cvault
