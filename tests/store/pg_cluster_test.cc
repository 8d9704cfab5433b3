// The ctest fixture pg_cluster (scripts/pg-cluster), seen through libpq: the
// primary takes writes from the non-superuser cvault, and its synchronous
// streaming replica serves them.
#include "tests/testing/pg_cluster.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <memory>
#include <string>

namespace cvault::testing {
namespace {

struct ConnectionCloser {
  void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
};
using Connection = std::unique_ptr<PGconn, ConnectionCloser>;

struct ResultClearer {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

// An open connection, or null with a test failure.
Connection Connect(const std::string& dsn) {
  Connection connection(PQconnectdb(dsn.c_str()));
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << dsn << ": "
                  << PQerrorMessage(connection.get());
    return nullptr;
  }
  return connection;
}

// Runs `sql`; the first column of its first row ("" when it returns no rows).
// "" with a test failure when it fails.
std::string Query(PGconn* connection, const std::string& sql) {
  Result result(PQexec(connection, sql.c_str()));
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << PQerrorMessage(connection);
    return "";
  }
  if (PQntuples(result.get()) == 0) return "";
  return PQgetvalue(result.get(), 0, 0);
}

TEST(PgClusterTest, PrimaryTakesTheNonSuperuserCvaultToItsTestDatabase) {
  Connection primary = Connect(TestPrimaryDsn());
  ASSERT_TRUE(primary);

  EXPECT_EQ(Query(primary.get(), "SELECT current_user || '/' || current_database()"),
            "cvault/cvault_test");
  EXPECT_EQ(
      Query(primary.get(), "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"),
      "f");
  EXPECT_EQ(Query(primary.get(), "SELECT pg_is_in_recovery()"), "f");
}

TEST(PgClusterTest, PrimaryReportsTheReplicaAsSynchronous) {
  Connection primary = Connect(TestPrimaryDsn());
  ASSERT_TRUE(primary);

  EXPECT_EQ(Query(primary.get(),
                  "SELECT sync_state FROM pg_stat_replication "
                  "WHERE application_name = 'cvault_replica'"),
            "sync");
}

TEST(PgClusterTest, RowCommittedOnPrimaryIsReadOnReplica) {
  Connection primary = Connect(TestPrimaryDsn());
  Connection replica = Connect(TestReplicaDsn());
  ASSERT_TRUE(primary && replica);
  // A name of its own: a run that failed before the DROP left its table.
  const std::string table = "pg_cluster_probe_" + std::to_string(getpid());

  // remote_apply: each commit returns once the replica shows it.
  Query(primary.get(), "SET synchronous_commit = remote_apply");
  Query(primary.get(), "CREATE TABLE " + table + " (note text)");
  Query(primary.get(), "INSERT INTO " + table + " VALUES ('written on the primary')");

  EXPECT_EQ(Query(replica.get(), "SELECT note FROM " + table), "written on the primary");
  Query(primary.get(), "DROP TABLE " + table);
}

TEST(PgClusterTest, ReplicaRefusesWrites) {
  Connection replica = Connect(TestReplicaDsn());
  ASSERT_TRUE(replica);

  Result result(PQexec(replica.get(), "CREATE TABLE pg_cluster_refused (note text)"));
  EXPECT_EQ(PQresultStatus(result.get()), PGRES_FATAL_ERROR);
}

}  // namespace
}  // namespace cvault::testing
