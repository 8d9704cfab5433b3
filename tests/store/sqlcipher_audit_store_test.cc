// The audit tables of the SQLCipher vault store that data-subject exports rely
// on (schema version 4): the indexes that serve a subject's entries, and the
// upgrade of a version 3 vault. What every backend must do with audit entries
// is in tests/store/conformance/audit_conformance_test.cc.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;

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

using SqlcipherAuditStoreTest = testing::SqlcipherVaultRowsFixture;

TEST_F(SqlcipherAuditStoreTest, SubjectQueryIsAnIndexRangeWithNoScan) {
  store_.reset();
  auto raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  std::string plan = QueryPlan(
      *raw,
      "SELECT sequence FROM audit_log WHERE sequence IN (SELECT sequence FROM "
      "audit_subjects WHERE subject = ?1 AND sequence >= ?2 ORDER BY sequence "
      "LIMIT ?3) ORDER BY sequence");
  EXPECT_NE(plan.find("audit_subjects USING PRIMARY KEY"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("SCAN TABLE audit_log"), std::string::npos) << plan;
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
