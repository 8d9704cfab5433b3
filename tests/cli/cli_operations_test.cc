// The erasure and operator commands: dsr erase|purge, keys
// rotate|reseal|rekey-db|rotate-index, backup and restore. The key-rotation
// test kills `cvault keys rotate` with SIGKILL midway and runs it again.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "cli_fixture.h"
#include "cvault/vault.h"
#include "keys/keyring.h"
#include "store/sqlcipher/sqlcipher_store.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::vector<std::string> kOperator = {"--as", "operator:ops-1", "--purpose",
                                            "operations"};

class CliOperationsTest : public CliTest {
 protected:
  Options LibraryOptions(const std::string& key_file = kKeyFile) {
    Options o;
    o.vault_dir = sandbox_.dir() / "vault";
    o.keys_dir = sandbox_.dir() / "keys";
    o.root_key = KeyFile{sandbox_.dir() / key_file};
    o.durability = Durability::kNormal;
    o.checkpoint_every = 100000;
    return o;
  }

  // Adds `n` customers through the library (fast) and returns their ids.
  std::vector<CustomerId> AddCustomers(int n) {
    auto vault = Vault::Open(LibraryOptions());
    EXPECT_TRUE(vault.has_value()) << vault.error().ToString();
    std::vector<CustomerId> ids;
    if (!vault) return ids;
    AccessContext ctx{"loader", "account-service", "account_management", "", ""};
    for (int i = 0; i < n; ++i) {
      NewCustomer c;
      c.full_name = "Customer " + std::to_string(i);
      c.email = "c" + std::to_string(i) + "@example.com";
      auto id = (*vault)->customers().Create(ctx, c);
      EXPECT_TRUE(id.has_value());
      if (id) ids.push_back(*id);
    }
    return ids;
  }

  std::map<std::uint32_t, std::uint64_t> KeysPerKek() {
    auto keyring = keys::Keyring::Open(sandbox_.dir() / "keys",
                                       KeyFile{sandbox_.dir() / kKeyFile});
    EXPECT_TRUE(keyring.has_value());
    if (!keyring) return {};
    auto store = store::OpenSqlcipherKeyStore(sandbox_.dir() / "vault" / "keystore.db",
                                              keyring->keystore_db_key(), false);
    EXPECT_TRUE(store.has_value()) << store.error().ToString();
    if (!store) return {};
    auto tx = (*store)->Begin(false);
    auto counts = (*tx)->CountDataKeysByKek();
    return counts.value_or(std::map<std::uint32_t, std::uint64_t>{});
  }

  // Starts `cvault args...` with stderr on a pipe; returns the pid and the
  // pipe's read end.
  std::pair<pid_t, int> Start(const std::vector<std::string>& args) {
    std::vector<std::string> storage = {CVAULT_CLI_PATH};
    storage.insert(storage.end(), kOperator.begin(), kOperator.end());
    storage.insert(storage.end(), {"--key-file", kKeyFile});
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addchdir_np(&actions, sandbox_.dir().c_str());
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    return {pid, fds[0]};
  }
};

TEST_F(CliOperationsTest, ErasePrintsTheOutcomeTableAndTheCustomerIsGone) {
  std::string ada = AddAda();
  CliResult denied = Run(kAccount, {"dsr", "erase", ada});
  EXPECT_EQ(denied.exit_code, 3) << ::testing::PrintToString(denied);
  CliResult r = Run(kDpoDsr, {"dsr", "erase", ada});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr("erased " + ada));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("identity +erased +3"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("contact +erased +2"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("financial +none_held +0"));
  for (const char* value : {kAdaEmail, kAdaName, kAdaPhone}) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(value)));
  }
  EXPECT_EQ(Run(kAccount, {"customer", "get", ada}).exit_code, 4);
  EXPECT_EQ(Run(kAccount, {"customer", "find", "--email", kAdaEmail}).exit_code, 4);
  CliResult again = Run(kDpoDsr, {"--json", "dsr", "erase", ada});
  EXPECT_EQ(again.exit_code, 4) << ::testing::PrintToString(again);
}

TEST_F(CliOperationsTest, EraseJsonListsEveryGroup) {
  std::string ada = AddAda();
  CliResult r = Run(kDpoDsr, {"--json", "dsr", "erase", ada});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json doc = ParseJson(r.out);
  ASSERT_TRUE(doc.is_object()) << r.out;
  EXPECT_EQ(doc["customer_id"], ada);
  ASSERT_EQ(doc["groups"].size(), 6u);
  EXPECT_EQ(doc["groups"][0]["group"], "identity");
  EXPECT_EQ(doc["groups"][0]["outcome"], "erased");
  EXPECT_EQ(doc["groups"][5]["group"], "financial");
  EXPECT_EQ(doc["groups"][5]["outcome"], "none_held");
}

TEST_F(CliOperationsTest, PurgeRunsForTheOperatorAndTheDpo) {
  CliResult r = Run(kOperator, {"dsr", "purge"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr("0 erasures swept (0 rows deleted or moved under a hold)"));
  EXPECT_THAT(r.out, HasSubstr("0 retention holds ended"));
  CliResult json = Run(kDpoDsr, {"--json", "dsr", "purge"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  nlohmann::json doc = ParseJson(json.out);
  ASSERT_TRUE(doc.is_object()) << json.out;
  for (const char* key : {"erasures_swept", "rows_swept", "holds_expired", "records_shredded",
                          "consents_expired", "orphan_keys_removed"}) {
    EXPECT_EQ(doc.value(key, -1), 0) << key;
  }
  EXPECT_EQ(Run(kAccount, {"dsr", "purge"}).exit_code, 3);
}

TEST_F(CliOperationsTest, RestoreOfAnOlderBackupReplaysTheErasure) {
  std::string ada = AddAda();
  CliResult backup = Run(kOperator, {"backup", "--out", "bk"});
  ASSERT_EQ(backup.exit_code, 0) << ::testing::PrintToString(backup);
  EXPECT_TRUE(std::filesystem::exists(sandbox_.dir() / "bk" / "manifest.json"));
  EXPECT_EQ(Run(kDpoDsr, {"backup", "--out", "bk2"}).exit_code, 3);
  ASSERT_EQ(Run(kDpoDsr, {"dsr", "erase", ada}).exit_code, 0);

  CliResult restore = Run(kOperator, {"restore", "--from", "bk"});
  ASSERT_EQ(restore.exit_code, 0) << ::testing::PrintToString(restore);
  EXPECT_THAT(restore.out, HasSubstr("1 entries replayed, 1 customers erased again"));
  EXPECT_EQ(Run(kAccount, {"customer", "get", ada}).exit_code, 4);
  CliResult verify = Run(kAuditor, {"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << ::testing::PrintToString(verify);
}

TEST_F(CliOperationsTest, RestoreWhileAServiceHasTheVaultOpenExitsBusyAndNamesIt) {
  AddAda();
  ASSERT_EQ(Run(kOperator, {"backup", "--out", "bk"}).exit_code, 0);
  {
    auto service = Vault::Open(LibraryOptions());  // this test process
    ASSERT_TRUE(service.has_value()) << service.error().ToString();
    CliResult r = Run(kOperator, {"restore", "--from", "bk"});
    EXPECT_EQ(r.exit_code, 7) << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("pid=" + std::to_string(::getpid())));
    CliResult json = Run(kOperator, {"--json", "restore", "--from", "bk"});
    EXPECT_EQ(json.exit_code, 7);
    EXPECT_THAT(json.err, HasSubstr("\"code\":\"busy\""));
  }
  CliResult r = Run(kOperator, {"restore", "--from", "bk"});
  EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
}

TEST_F(CliOperationsTest, RestoreRefusesAChangedBackupFile) {
  AddAda();
  ASSERT_EQ(Run(kOperator, {"backup", "--out", "bk"}).exit_code, 0);
  {
    std::fstream f(sandbox_.dir() / "bk" / "manifest.json",
                   std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('x');
  }
  CliResult r = Run(kOperator, {"restore", "--from", "bk"});
  EXPECT_EQ(r.exit_code, 5) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("signature"));
  EXPECT_EQ(Run(kAccount, {"customer", "list"}).exit_code, 0) << "the vault is untouched";
}

TEST_F(CliOperationsTest, KeyRotationKilledMidwayFinishesWhenRunAgain) {
  std::vector<CustomerId> ids = AddCustomers(400);
  ASSERT_EQ(ids.size(), 400u);
  auto [pid, err] = Start({"keys", "rotate", "--batch", "1", "--progress", "lines"});
  // Wait for proof that rewrapping has started, then kill it.
  std::string seen;
  char buffer[256];
  while (seen.find("progress rewrap 2/") == std::string::npos) {
    ssize_t n = ::read(err, buffer, sizeof buffer);
    if (n <= 0) break;
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(err);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the rotation ended before it was killed:\n" << seen;

  // Half done: keys under both KEKs.
  auto counts = KeysPerKek();
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_GT(counts[2], 0u);
  EXPECT_GT(counts[1], 0u);
  EXPECT_EQ(counts[1] + counts[2], 400u);
  // Reads work in the half-done state.
  EXPECT_EQ(Run(kAccount, {"customer", "get", ids.front().str()}).exit_code, 0);
  EXPECT_EQ(Run(kAccount, {"customer", "get", ids.back().str()}).exit_code, 0);

  CliResult again = Run(kOperator, {"--json", "keys", "rotate", "--progress", "none"});
  ASSERT_EQ(again.exit_code, 0) << ::testing::PrintToString(again);
  nlohmann::json result = ParseJson(again.out);
  EXPECT_EQ(result["resumed"], true);
  EXPECT_EQ(result["primary_kek_version"], 2);
  EXPECT_EQ(result["retired"], nlohmann::json::array({1}));
  counts = KeysPerKek();
  EXPECT_EQ(counts, (std::map<std::uint32_t, std::uint64_t>{{2, 400}}));
  auto vault = Vault::Open(LibraryOptions());
  ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
  AccessContext ctx{"checker", "account-service", "account_management", "", ""};
  for (const CustomerId& id : ids) {
    ASSERT_TRUE((*vault)->customers().Get(ctx, id).has_value()) << id.str();
  }
}

TEST_F(CliOperationsTest, ResealRekeyAndReindexKeepTheVaultUsable) {
  std::string ada = AddAda();
  CliResult reseal =
      Run(kOperator, {"keys", "reseal", "--new-key-file", "keys/new.key", "--generate"});
  ASSERT_EQ(reseal.exit_code, 0) << ::testing::PrintToString(reseal);
  EXPECT_EQ(Run(kAccount, {"customer", "get", ada}).exit_code, 5) << "old key file";
  auto as_new = [&](const std::vector<std::string>& who, std::vector<std::string> args) {
    std::vector<std::string> full = who;
    full.insert(full.end(), {"--key-file", "keys/new.key"});
    full.insert(full.end(), args.begin(), args.end());
    return sandbox_.Run(full);
  };
  EXPECT_EQ(as_new(kAccount, {"customer", "get", ada}).exit_code, 0);
  CliResult rekey = as_new(kOperator, {"keys", "rekey-db"});
  ASSERT_EQ(rekey.exit_code, 0) << ::testing::PrintToString(rekey);
  CliResult index = as_new(kOperator, {"keys", "rotate-index", "--progress", "lines"});
  ASSERT_EQ(index.exit_code, 0) << ::testing::PrintToString(index);
  EXPECT_THAT(index.err, HasSubstr("progress reindex 1/1"));
  EXPECT_THAT(index.out, HasSubstr("lookups use key v2"));
  CliResult found = as_new(kAccount, {"customer", "find", "--email", kAdaEmail});
  EXPECT_EQ(found.exit_code, 0) << ::testing::PrintToString(found);
  EXPECT_THAT(found.out, HasSubstr(ada));
  EXPECT_EQ(as_new(kDpoDsr, {"keys", "rotate"}).exit_code, 3) << "operator only";
  EXPECT_EQ(as_new(kOperator, {"keys", "rotate", "--progress", "sometimes"}).exit_code, 2);
  EXPECT_EQ(Run(kOperator, {"keys", "reseal"}).exit_code, 2) << "no new root key";
}

TEST_F(CliOperationsTest, CheckFindsAFlippedByteThatOrdinaryCallsNeverRead) {
  const std::string ada = AddAda();
  // Enough customers for pages that no call below reads.
  {
    std::ofstream lines(sandbox_.dir() / "many.jsonl");
    for (int i = 0; i < 300; ++i) {
      lines << "{\"name\": \"Filler " << i << "\", \"email\": \"filler" << i
            << "@example.com\", \"address\": \"" << std::string(200, 'x') << "\"}\n";
    }
  }
  ASSERT_EQ(Run(kAccount, {"customer", "import", "many.jsonl"}).exit_code, 0);
  CliResult clean = Run(kOperator, {"check"});
  ASSERT_EQ(clean.exit_code, 0) << ::testing::PrintToString(clean);
  EXPECT_THAT(clean.out, HasSubstr("checked 301 customers"));
  EXPECT_THAT(clean.out, HasSubstr("ok: nothing is damaged"));

  // A byte flipped in a page from the middle on that reading Ada does not
  // need (a page her read needs is found by the read itself).
  const std::filesystem::path db = sandbox_.dir() / "vault" / "vault.db";
  const std::string pristine = ReadWholeFile(db);
  const std::size_t pages = pristine.size() / 4096;
  ASSERT_GT(pages, 40u);
  bool unnoticed = false;
  for (std::size_t page = pages / 2; page < pages / 2 + 8 && !unnoticed; ++page) {
    std::string bytes = pristine;
    bytes[page * 4096 + 2000] ^= 0x5a;
    std::ofstream(db, std::ios::binary | std::ios::trunc) << bytes;
    unnoticed = Run(kAccount, {"customer", "get", ada}).exit_code == 0;
    if (!unnoticed) std::ofstream(db, std::ios::binary | std::ios::trunc) << pristine;
  }
  ASSERT_TRUE(unnoticed) << "every page tried was one reading Ada needs";
  CliResult damaged = Run(kOperator, {"check"});
  EXPECT_EQ(damaged.exit_code, 5) << ::testing::PrintToString(damaged);
  EXPECT_THAT(damaged.out, HasSubstr("DAMAGED vault.db"));
  EXPECT_THAT(damaged.err, HasSubstr("the check found"));
  ExpectNoPersonalValues(damaged);
  CliResult json = Run(kOperator, {"--json", "check"});
  EXPECT_EQ(json.exit_code, 5);
  auto report = ParseJson(json.out);
  ASSERT_TRUE(report.is_object()) << json.out;
  EXPECT_FALSE(report["ok"].get<bool>());
  EXPECT_EQ(report["problems"][0]["where"], "vault.db");
  EXPECT_EQ(Run(kSupport, {"check"}).exit_code, 3);
}

}  // namespace
}  // namespace cvault::cli::testing
