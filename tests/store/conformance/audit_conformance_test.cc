// Conformance of every storage backend (tests/testing/store_backends.h) to
// the audit part of the VaultTransaction contract (store/store.h): entries
// round-trip in sequence order with no gap or repeat, checkpoints, and a
// subject's entries for data-subject exports (lookups that matched several
// customers, literal matching, paging, refused subjects).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeAudit;

class AuditConformanceTest
    : public testing::VaultRowsFixture<testing::VaultStoreConformanceFixture> {
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
};

TEST_P(AuditConformanceTest, AuditEntriesRoundTripInOrder) {
  {
    auto tx = Begin(true);
    for (std::uint64_t s = 1; s <= 5; ++s) {
      ASSERT_TRUE(tx->AppendAudit(MakeAudit(s)).ok()) << s;
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  auto last = tx->LastAudit();
  ASSERT_TRUE(last.has_value() && last->has_value());
  EXPECT_EQ((*last)->sequence, 5u);

  auto rows = tx->ReadAudit(2, 2);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  const AuditRow expected = MakeAudit(2);
  const AuditRow& got = (*rows)[0];
  EXPECT_EQ(got.sequence, 2u);
  testing::ExpectSameAuditFields(got, expected);
  EXPECT_EQ((*rows)[1].sequence, 3u);

  auto tail = tx->ReadAudit(5, 100);
  ASSERT_TRUE(tail.has_value());
  EXPECT_EQ(tail->size(), 1u);
}

TEST_P(AuditConformanceTest, ReadAuditIntoReusedRowsGivesExactlyTheEntriesRead) {
  AppendAll({"subject-a", "subject-b", "subject-c", "subject-d"});
  auto tx = Begin(false);
  // Rows left from an earlier read, longer and more of them, must not leak
  // into the next one.
  std::vector<AuditRow> rows(6, MakeAudit(99, std::string(200, 'x')));
  rows[0].subjects = {"left", "over"};
  ASSERT_TRUE(tx->ReadAuditInto(2, 2, rows).ok());
  ASSERT_EQ(rows.size(), 2u);
  for (std::uint64_t i = 0; i < 2; ++i) {
    const AuditRow expected = MakeAudit(2 + i, i == 0 ? "subject-b" : "subject-c");
    EXPECT_EQ(rows[i].sequence, 2 + i);
    testing::ExpectSameAuditFields(rows[i], expected);
    EXPECT_TRUE(rows[i].subjects.empty());
  }
  ASSERT_TRUE(tx->ReadAuditInto(4, 10, rows).ok());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].subject, "subject-d");
  ASSERT_TRUE(tx->ReadAuditInto(5, 10, rows).ok());
  EXPECT_TRUE(rows.empty());
}

TEST_P(AuditConformanceTest, AuditSequenceGapOrRepeatIsRefused) {
  auto tx = Begin(true);
  EXPECT_EQ(tx->AppendAudit(MakeAudit(2)).code(), StatusCode::kFailedPrecondition)
      << "the first entry must be sequence 1";
  ASSERT_TRUE(tx->AppendAudit(MakeAudit(1)).ok());
  ASSERT_TRUE(tx->AppendAudit(MakeAudit(2)).ok());
  EXPECT_EQ(tx->AppendAudit(MakeAudit(4)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->AppendAudit(MakeAudit(2)).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(tx->AppendAudit(MakeAudit(3)).ok());
}

TEST_P(AuditConformanceTest, EmptyAuditHashesStayEmpty) {
  auto tx = Begin(true);
  AuditRow row = MakeAudit(1);
  row.previous_hash.clear();
  ASSERT_TRUE(tx->AppendAudit(row).ok());
  auto last = tx->LastAudit();
  ASSERT_TRUE(last.has_value() && last->has_value());
  EXPECT_TRUE((*last)->previous_hash.empty());
}

TEST_P(AuditConformanceTest, CheckpointsRoundTripAndDuplicatesAreRefused) {
  CheckpointRow first{10, 111, Bytes(32, 1), Bytes(64, 2), Bytes(32, 3)};
  CheckpointRow second{20, 222, Bytes(32, 4), Bytes(64, 5), Bytes(32, 6)};
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCheckpoint(second).ok());
    ASSERT_TRUE(tx->InsertCheckpoint(first).ok());
    EXPECT_EQ(tx->InsertCheckpoint(first).code(), StatusCode::kAlreadyExists);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto rows = tx->ListCheckpoints();
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].sequence, 10u);
  EXPECT_EQ((*rows)[0].time_us, 111);
  EXPECT_EQ((*rows)[0].head_hash, first.head_hash);
  EXPECT_EQ((*rows)[0].signature, first.signature);
  EXPECT_EQ((*rows)[0].public_key, first.public_key);
  EXPECT_EQ((*rows)[1].sequence, 20u);
}

TEST_P(AuditConformanceTest, ReadsOnlyTheSubjectsEntriesIncludingSharedLookups) {
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

TEST_P(AuditConformanceTest, SubjectWithWildcardCharactersMatchesLiterally) {
  AppendAll({"a%", "ab", "a_", "x,a%"});
  EXPECT_EQ(ForSubject("a%"), (std::vector<std::uint64_t>{1, 4}));
  EXPECT_EQ(ForSubject("a_"), (std::vector<std::uint64_t>{3}));
}

TEST_P(AuditConformanceTest, PagesWithFromAndLimit) {
  AppendAll({"aa", "bb", "aa,bb", "aa", "bb", "aa"});
  EXPECT_EQ(ForSubject("aa", 1, 2), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(ForSubject("aa", 4, 2), (std::vector<std::uint64_t>{4, 6}));
  EXPECT_EQ(ForSubject("aa", 2, 100), (std::vector<std::uint64_t>{3, 4, 6}));
  EXPECT_TRUE(ForSubject("aa", 7, 100).empty());
  EXPECT_TRUE(ForSubject("aa", std::numeric_limits<std::uint64_t>::max(), 100).empty());
}

TEST_P(AuditConformanceTest, RowsRoundTripInFull) {
  AppendAll({"aa"});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto rows = tx->ReadAuditForSubject("aa", 1, 10);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  AuditRow expected = MakeAudit(1, "aa");
  testing::ExpectSameAuditFields(rows->front(), expected);
}

TEST_P(AuditConformanceTest, EmptySubjectOrListIsRefused) {
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

INSTANTIATE_TEST_SUITE_P(Backends, AuditConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
