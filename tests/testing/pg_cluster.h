// Where the throwaway PostgreSQL cluster of the ctest fixture pg_cluster
// (scripts/pg-cluster, started before the store and vault tests) is: its state
// folder, named by CVAULT_TEST_PG_STATE, and the libpq connection strings of
// its primary and of its synchronous streaming replica (role cvault, database
// cvault_test). A test that asks while the fixture did not run fails: these
// throw std::runtime_error saying so. They never skip.
//
// Each call reads the state folder again; safe from any thread. Also: random
// schema names, so tests sharing the cluster never meet.
#ifndef CVAULT_TESTS_TESTING_PG_CLUSTER_H_
#define CVAULT_TESTS_TESTING_PG_CLUSTER_H_

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cvault::testing {

inline constexpr char kFixtureDidNotRun[] =
    "the pg_cluster ctest fixture did not run: run this test through ctest "
    "(ctest -R NAME starts the cluster), or run scripts/pg-cluster start DIR and "
    "set CVAULT_TEST_PG_STATE=DIR";

// The state folder scripts/pg-cluster start wrote.
inline std::string TestClusterStateDir() {
  const char* state_dir = std::getenv("CVAULT_TEST_PG_STATE");
  if (state_dir == nullptr || *state_dir == '\0') {
    throw std::runtime_error(std::string("CVAULT_TEST_PG_STATE is not set; ") +
                             kFixtureDidNotRun);
  }
  return state_dir;
}

namespace pg_cluster_internal {

// The text of the state file `name`, without surrounding white space.
inline std::string ReadStateFile(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(TestClusterStateDir()) / name;
  std::ifstream file(path);
  std::string text((std::istreambuf_iterator<char>(file)),
                   std::istreambuf_iterator<char>());
  const auto first = text.find_first_not_of(" \t\r\n");
  if (!file.is_open() || first == std::string::npos) {
    throw std::runtime_error(path.string() + " is missing or empty; " +
                             kFixtureDidNotRun);
  }
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace pg_cluster_internal

// The primary, which accepts writes: "host=127.0.0.1 port=... dbname=cvault_test
// user=cvault connect_timeout=5".
inline std::string TestPrimaryDsn() {
  return pg_cluster_internal::ReadStateFile("primary.dsn");
}

// The replica: read-only until scripts/pg-cluster promote; a commit on the
// primary returns once the replica has it on disk.
inline std::string TestReplicaDsn() {
  return pg_cluster_internal::ReadStateFile("replica.dsn");
}

// `prefix` and 16 random hex digits: a schema name no other test (running
// at the same time on the same cluster) picks.
inline std::string RandomTestSchema(std::string_view prefix) {
  std::array<std::uint8_t, 8> random{};
  randombytes_buf(random.data(), random.size());
  std::string schema(prefix);
  for (std::uint8_t byte : random) schema += fmt::format("{:02x}", byte);
  return schema;
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_PG_CLUSTER_H_
