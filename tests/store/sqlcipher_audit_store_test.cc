// Behaviour of the audit tables of the SQLCipher vault store that data-subject
// exports rely on (schema version 4): a subject's entries, including lookups
// that matched several customers, paging, refused subjects, the indexes that
// serve the query, and the upgrade of a version 3 vault.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cvault/secret_bytes.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;

AuditRow MakeAudit(std::uint64_t sequence, std::string subject) {
  AuditRow row;
  row.sequence = sequence;
  row.time_us = 1'000 + static_cast<std::int64_t>(sequence);
  row.principal_id = "agent-7";
  row.role = "support-agent";
  row.action = "customer.read";
  row.purpose = "support";
  row.subject = std::move(subject);
  row.fields_requested = "full_name";
  row.fields_returned = "full_name";
  row.decision = "allow";
  row.reason_code = "ok";
  row.request_id = "req-" + std::to_string(sequence);
  row.previous_hash = Bytes(32, static_cast<std::uint8_t>(sequence - 1));
  row.entry_hash = Bytes(32, static_cast<std::uint8_t>(sequence));
  return row;
}

std::vector<std::uint64_t> Sequences(const std::vector<AuditRow>& rows) {
  std::vector<std::uint64_t> out;
  for (const AuditRow& row : rows) out.push_back(row.sequence);
  return out;
}

// Every "detail" of EXPLAIN QUERY PLAN for `sql`, joined.
std::string QueryPlan(Connection& connection, const std::string& sql) {
  auto query = connection.Prepare("EXPLAIN QUERY PLAN " + sql);
  if (!query.has_value()) return "(prepare failed)";
  std::string plan;
  while (true) {
    auto has_row = (*query)->Step("explain");
    if (!has_row.has_value() || !*has_row) return plan;
    plan += (*query)->ColumnText(3) + "\n";
  }
}

class SqlcipherAuditStoreTest : public testing::SqlcipherVaultStoreFixture {
 protected:
  // Appends one entry per subject, sequences 1, 2, 3, ...
  void AppendAll(const std::vector<std::string>& subjects) {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    std::uint64_t sequence = 1;
    for (const std::string& subject : subjects) {
      Status appended = tx->AppendAudit(MakeAudit(sequence++, subject));
      ASSERT_TRUE(appended.ok()) << appended.ToString();
    }
    ASSERT_TRUE(tx->Commit().ok());
  }

  std::vector<std::uint64_t> ForSubject(std::string_view subject, std::uint64_t from = 1,
                                        std::size_t limit = 100) {
    auto tx = Begin(false);
    if (tx == nullptr) return {};
    auto rows = tx->ReadAuditForSubject(subject, from, limit);
    EXPECT_TRUE(rows.has_value()) << rows.error().ToString();
    return rows ? Sequences(*rows) : std::vector<std::uint64_t>{};
  }
};

TEST_F(SqlcipherAuditStoreTest, ReadsOnlyTheSubjectsEntriesIncludingSharedLookups) {
  AppendAll({
      "aa",        // 1: the subject
      "bb",        // 2: another subject
      "",          // 3: no subject
      "aa,bb",     // 4: a lookup that matched both, subject first
      "bb,aa",     // 5: ... subject last
      "cc,aa,dd",  // 6: ... subject in the middle
      "aab",       // 7: a longer pseudonym starting with the subject
      "xaa,cc",    // 8: a list holding a pseudonym ending with the subject
      "aa",        // 9
  });
  EXPECT_EQ(ForSubject("aa"), (std::vector<std::uint64_t>{1, 4, 5, 6, 9}));
  EXPECT_EQ(ForSubject("bb"), (std::vector<std::uint64_t>{2, 4, 5}));
  EXPECT_EQ(ForSubject("dd"), (std::vector<std::uint64_t>{6}));
  EXPECT_TRUE(ForSubject("zz").empty());
}

TEST_F(SqlcipherAuditStoreTest, SubjectWithWildcardCharactersMatchesLiterally) {
  AppendAll({"a%", "ab", "a_", "x,a%"});
  EXPECT_EQ(ForSubject("a%"), (std::vector<std::uint64_t>{1, 4}));
  EXPECT_EQ(ForSubject("a_"), (std::vector<std::uint64_t>{3}));
}

TEST_F(SqlcipherAuditStoreTest, PagesWithFromAndLimit) {
  AppendAll({"aa", "bb", "aa,bb", "aa", "bb", "aa"});
  EXPECT_EQ(ForSubject("aa", 1, 2), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(ForSubject("aa", 4, 2), (std::vector<std::uint64_t>{4, 6}));
  EXPECT_EQ(ForSubject("aa", 2, 100), (std::vector<std::uint64_t>{3, 4, 6}));
  EXPECT_TRUE(ForSubject("aa", 7, 100).empty());
  EXPECT_TRUE(ForSubject("aa", std::numeric_limits<std::uint64_t>::max(), 100).empty());
}

TEST_F(SqlcipherAuditStoreTest, RowsRoundTripInFull) {
  AppendAll({"aa"});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto rows = tx->ReadAuditForSubject("aa", 1, 10);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  AuditRow expected = MakeAudit(1, "aa");
  testing::ExpectSameAuditFields(rows->front(), expected);
}

TEST_F(SqlcipherAuditStoreTest, EmptySubjectOrListIsRefused) {
  AppendAll({"", "aa,bb"});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto empty = tx->ReadAuditForSubject("", 1, 10);
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code(), StatusCode::kInvalidArgument);
  auto list = tx->ReadAuditForSubject("aa,bb", 1, 10);
  ASSERT_FALSE(list.has_value());
  EXPECT_EQ(list.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqlcipherAuditStoreTest, SubjectQueryUsesTheSubjectIndexes) {
  store_.reset();
  auto raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  std::string plan = QueryPlan(
      *raw,
      "SELECT sequence FROM audit_log WHERE subject = ?1 AND sequence >= ?2 "
      "UNION ALL SELECT sequence FROM audit_log WHERE instr(subject, ',') > 0 "
      "AND sequence >= ?2 AND instr(',' || subject || ',', ',' || ?1 || ',') > 0 "
      "ORDER BY sequence LIMIT ?3");
  EXPECT_NE(plan.find("audit_log_by_subject"), std::string::npos) << plan;
  EXPECT_NE(plan.find("audit_log_multi_subject"), std::string::npos) << plan;
}

TEST_F(SqlcipherAuditStoreTest, VersionThreeVaultUpgradesOnOpen) {
  {
    auto raw = RecreateAtSchemaVersion(3);
    ASSERT_NE(raw, nullptr);
    ASSERT_TRUE(raw->Execute("INSERT INTO audit_log VALUES(1, 10, 'p', 'r', 'a', 'u', "
                             "'aa', '', '', 'allow', 'ok', 'q', x'00', x'01');"
                             "INSERT INTO audit_log VALUES(2, 11, 'p', 'r', 'a', 'u', "
                             "'bb,aa', '', '', 'allow', 'ok', 'q', x'01', x'02')",
                             "insert version 3 rows")
                    .ok());
  }
  Reopen();
  EXPECT_EQ(ForSubject("aa"), (std::vector<std::uint64_t>{1, 2}));
  store_.reset();

  auto raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  auto version = sqlcipher::ReadSchemaVersion(*raw);
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, kVaultSchemaVersion);
}

}  // namespace
}  // namespace cvault::store
