// `cvault dsr restrict|lift-restriction`: a restricted customer is kept but
// processed only under legal_compliance and dsr until the restriction is
// lifted, which needs the customer to have been told.
// `cvault dsr export|verify-export`: the export file holds exactly the signed
// document, owner-only, and any changed byte makes verification fail.
#include <filesystem>
#include <fstream>

#include "cli/exit_codes.h"
#include "cli_fixture.h"
#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "cvault/customer.h"

namespace cvault::cli::testing {
namespace {

namespace fs = std::filesystem;

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

inline const std::vector<std::string> kOperator = {"--as", "operator:ops-1", "--purpose",
                                                   "operations"};
// No caller: verify-export with --public-key needs no vault access.
inline const std::vector<std::string> kNobody = {};

std::string Sha256Hex(const std::string& text) {
  return crypto::ToHex(crypto::Sha256(crypto::AsBytes(text)));
}

// Neither stdout nor stderr carries a value the tests wrote about Ada.
void ExpectNoPersonalData(const CliResult& r) {
  ExpectNoPersonalValues(r);
  for (const char* value : {kAdaEmail, kAdaName, kAdaPhone, "Lovelace"}) {
    EXPECT_THAT(r.out, Not(HasSubstr(value))) << ::testing::PrintToString(r);
  }
}

fs::perms PermissionsOf(const fs::path& path) {
  return fs::status(path).permissions() & fs::perms::all;
}

class CliExportTest : public CliTest {
 protected:
  fs::path InSandbox(const std::string& name) const { return sandbox_.dir() / name; }

  void WriteSandboxFile(const std::string& name, const std::string& content) {
    std::ofstream out(InSandbox(name), std::ios::binary | std::ios::trunc);
    out << content;
  }

  // Adds Ada and exports her to `file` as the dpo; returns her id.
  std::string ExportAda(const std::string& file) {
    std::string id = AddAda();
    CliResult r = Run(kDpoDsr, {"dsr", "export", id, "--out", file});
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    ExpectNoPersonalData(r);
    return id;
  }

  // Writes the vault's public key to key.pub (as the operator).
  void WritePublicKey() {
    CliResult r = Run(kOperator, {"keys", "public", "--out", "key.pub"});
    ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  }

  // verify-export of `document` (written to tampered.json) with key.pub.
  CliResult VerifyContent(const std::string& document) {
    WriteSandboxFile("tampered.json", document);
    return Run(kNobody,
               {"dsr", "verify-export", "tampered.json", "--public-key", "key.pub"});
  }

  // Expects `document` to fail verification at `failed_part`, with the
  // integrity exit code and without quoting Ada's data.
  void ExpectRejectedAt(const std::string& document, const std::string& failed_part) {
    CliResult r = VerifyContent(document);
    EXPECT_EQ(r.exit_code, kExitIntegrity) << ::testing::PrintToString(r);
    EXPECT_THAT(r.err,
                HasSubstr("the export does not verify: " + failed_part + " failed"))
        << ::testing::PrintToString(r);
    EXPECT_THAT(r.out, StartsWith("FAILED: tampered.json: " + failed_part + ": "));
    ExpectNoPersonalData(r);
  }
};

// `text` with the first `from` after `anchor` replaced by `to`.
std::string ReplaceAfter(std::string text, const std::string& anchor,
                         const std::string& from, const std::string& to) {
  std::size_t start = text.find(anchor);
  EXPECT_NE(start, std::string::npos) << anchor;
  std::size_t at = text.find(from, start);
  EXPECT_NE(at, std::string::npos) << from;
  if (start == std::string::npos || at == std::string::npos) return text;
  return text.replace(at, from.size(), to);
}

// Changes one hex digit at `at` to another hex digit.
std::string FlipHexDigit(std::string text, std::size_t at) {
  text[at] = text[at] == '0' ? '1' : '0';
  return text;
}

TEST_F(CliTest, RestrictDeniesSupportUntilLiftedWithTheCustomerInformed) {
  std::string id = AddAda();
  CliResult restricted = Run(kDpoDsr, {"dsr", "restrict", id});
  ASSERT_EQ(restricted.exit_code, 0) << ::testing::PrintToString(restricted);
  EXPECT_THAT(restricted.out, HasSubstr("restricted " + id));

  CliResult support = Run(kSupport, {"customer", "get", id});
  EXPECT_EQ(support.exit_code, 3) << ::testing::PrintToString(support);
  EXPECT_THAT(support.err, HasSubstr("access denied (restricted)"));
  EXPECT_EQ(support.out, "");
  ExpectNoPersonalValues(support);

  CliResult dpo = Run(kDpoDsr, {"customer", "get", id, "--json"});
  ASSERT_EQ(dpo.exit_code, 0) << ::testing::PrintToString(dpo);
  EXPECT_EQ(ParseJson(dpo.out)["restricted"], true);

  CliResult uninformed = Run(kDpoDsr, {"dsr", "lift-restriction", id});
  EXPECT_EQ(uninformed.exit_code, 1) << ::testing::PrintToString(uninformed);
  EXPECT_THAT(uninformed.err, HasSubstr("informed"));
  EXPECT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 3);

  CliResult lifted =
      Run(kDpoDsr, {"dsr", "lift-restriction", id, "--customer-informed", "--json"});
  ASSERT_EQ(lifted.exit_code, 0) << ::testing::PrintToString(lifted);
  EXPECT_EQ(ParseJson(lifted.out), nlohmann::json({{"customer_id", id},
                                                   {"restricted", false},
                                                   {"customer_informed", true}}));
  EXPECT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 0);
}

TEST_F(CliTest, RestrictTwiceOrLiftingNothingExitsOne) {
  std::string id = AddAda();
  CliResult not_restricted =
      Run(kDpoDsr, {"dsr", "lift-restriction", id, "--customer-informed"});
  EXPECT_EQ(not_restricted.exit_code, 1) << ::testing::PrintToString(not_restricted);
  ASSERT_EQ(Run(kDpoDsr, {"dsr", "restrict", id}).exit_code, 0);
  CliResult again = Run(kDpoDsr, {"dsr", "restrict", id, "--json"});
  EXPECT_EQ(again.exit_code, 1) << ::testing::PrintToString(again);
  EXPECT_EQ(ParseJson(LastLine(again.err))["error"]["code"], "failed_precondition");
}

TEST_F(CliTest, OnlyDsrMayRestrict) {
  std::string id = AddAda();
  CliResult account = Run(kAccount, {"dsr", "restrict", id});
  EXPECT_EQ(account.exit_code, 3) << ::testing::PrintToString(account);
  CliResult legal = Run(kDpoLegal, {"dsr", "restrict", id});
  EXPECT_EQ(legal.exit_code, 3) << ::testing::PrintToString(legal);
  EXPECT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 0);
}

TEST_F(CliTest, RestrictWithMalformedIdExitsSix) {
  CliResult r = Run(kDpoDsr, {"dsr", "restrict", kAdaEmail});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  ExpectNoPersonalValues(r);
}

TEST_F(CliExportTest, ExportWritesTheSignedDocumentOwnerOnly) {
  std::string id = ExportAda("ada-export.json");
  fs::path file = InSandbox("ada-export.json");
  ASSERT_TRUE(fs::is_regular_file(file));
  EXPECT_EQ(PermissionsOf(file), fs::perms::owner_read | fs::perms::owner_write);

  std::string document = ReadWholeFile(file);
  EXPECT_THAT(document, Not(EndsWith("\n")));
  nlohmann::json parsed = ParseJson(document);
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed["schema"], "cvault.export/v1");
  EXPECT_EQ(parsed["customer_id"], id);
  EXPECT_EQ(parsed["sections"]["identity"]["data"]["email"], kAdaEmail);
  // Exactly the canonical bytes, nothing added.
  EXPECT_EQ(parsed.dump(), document);

  // Nothing else left behind (the temporary file was renamed into place).
  std::size_t files = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(sandbox_.dir())) {
    EXPECT_THAT(entry.path().filename().string(), Not(HasSubstr(".tmp-")));
    ++files;
  }
  EXPECT_GT(files, 0u);
}

TEST_F(CliExportTest, ExportSummaryNamesTheFileSizeAndHashOnly) {
  std::string id = AddAda();
  CliResult plain = Run(kDpoDsr, {"dsr", "export", id, "--out", "plain.json"});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  std::string document = ReadWholeFile(InSandbox("plain.json"));
  EXPECT_THAT(plain.out, StartsWith("exported " + id + " (exp_"));
  EXPECT_THAT(plain.out, HasSubstr("plain.json: " + std::to_string(document.size()) +
                                   " bytes, sha256 " + Sha256Hex(document)));
  EXPECT_EQ(plain.out.find('\n'), plain.out.size() - 1) << "one line";
  ExpectNoPersonalData(plain);

  CliResult json = Run(kDpoDsr, {"dsr", "export", id, "--out", "json.json", "--json"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  ExpectNoPersonalData(json);
  nlohmann::json summary = ParseJson(json.out);
  std::string exported = ReadWholeFile(InSandbox("json.json"));
  EXPECT_EQ(summary["customer_id"], id);
  EXPECT_EQ(summary["export_id"], ParseJson(exported)["export_id"]);
  EXPECT_THAT(summary["export_id"].get<std::string>(), StartsWith("exp_"));
  EXPECT_EQ(summary["out"], "json.json");
  EXPECT_EQ(summary["bytes"], exported.size());
  EXPECT_EQ(summary["sha256"], Sha256Hex(exported));
  EXPECT_EQ(summary["mode"], "0600");
}

TEST_F(CliExportTest, VerifyExportAcceptsTheExportWithTheVaultKey) {
  std::string id = ExportAda("ada.json");
  CliResult r = Run(kDpoDsr, {"dsr", "verify-export", "ada.json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, StartsWith("ok: ada.json is an authentic cvault.export/v1 export"));
  EXPECT_THAT(r.out, HasSubstr(" of " + id + ", generated "));
  EXPECT_THAT(r.out, HasSubstr("9 sections match the manifest"));
  EXPECT_THAT(r.out, HasSubstr("the vault's signing public key"));
  ExpectNoPersonalData(r);

  // The key was read from the vault, and that read was audited.
  CliResult tail = Run(kAuditor, {"audit", "tail", "-n", "5"});
  ASSERT_EQ(tail.exit_code, 0) << ::testing::PrintToString(tail);
  EXPECT_THAT(tail.out, HasSubstr("keys.public"));
}

TEST_F(CliExportTest, VerifyExportAcceptsTheExportWithTheKeyFile) {
  std::string id = ExportAda("ada.json");
  WritePublicKey();
  CliResult r = Run(
      kNobody, {"dsr", "verify-export", "ada.json", "--public-key", "key.pub", "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  ExpectNoPersonalData(r);
  nlohmann::json report = ParseJson(r.out);
  EXPECT_EQ(report["ok"], true);
  EXPECT_EQ(report["schema"], "cvault.export/v1");
  EXPECT_EQ(report["customer_id"], id);
  EXPECT_EQ(report["sections_verified"].size(), 9u);
  EXPECT_EQ(report["public_key_source"], "file");
  EXPECT_TRUE(report["failed_part"].is_null());
}

TEST_F(CliExportTest, ChangedSectionValueFailsAtThatSection) {
  ExportAda("ada.json");
  WritePublicKey();
  std::string document = ReadWholeFile(InSandbox("ada.json"));
  // Still canonical JSON, one byte different.
  ExpectRejectedAt(
      ReplaceAfter(document, "\"sections\":", "ada@example.com", "ada@example.con"),
      "section:identity");
}

TEST_F(CliExportTest, ChangedManifestFails) {
  ExportAda("ada.json");
  WritePublicKey();
  std::string document = ReadWholeFile(InSandbox("ada.json"));
  ExpectRejectedAt(ReplaceAfter(document, "\"manifest\":", "\"sha256\"", "\"sha255\""),
                   "manifest");
  // A manifest hash no longer matches its section.
  std::string hash_key = "\"retention\":\"";
  std::size_t hash = document.find(hash_key, document.find("\"manifest\":"));
  ASSERT_NE(hash, std::string::npos);
  ExpectRejectedAt(FlipHexDigit(document, hash + hash_key.size() + 10),
                   "section:retention");
}

TEST_F(CliExportTest, ChangedSignatureOrHeaderFailsTheSignature) {
  ExportAda("ada.json");
  WritePublicKey();
  std::string document = ReadWholeFile(InSandbox("ada.json"));
  std::string value_key = "\"value\":\"";
  std::size_t value = document.find(value_key, document.rfind("\"signature\":"));
  ASSERT_NE(value, std::string::npos);
  ExpectRejectedAt(FlipHexDigit(document, value + value_key.size() + 20), "signature");

  // A changed header (here the year it was made) is covered by the signature.
  std::string generated = "\"generated_at\":\"";
  std::size_t year = document.find(generated) + generated.size();
  std::string later = document;
  later[year + 3] = later[year + 3] == '9' ? '8' : '9';
  ExpectRejectedAt(later, "signature");
}

TEST_F(CliExportTest, SectionAndManifestChangedTogetherFailTheSignature) {
  // Someone who edits a section and recomputes its manifest hash still
  // cannot re-sign the manifest.
  ExportAda("ada.json");
  WritePublicKey();
  nlohmann::json document = ParseJson(ReadWholeFile(InSandbox("ada.json")));
  document["sections"]["identity"]["data"]["email"] = "ada@example.org";
  document["manifest"]["sections"]["identity"] =
      Sha256Hex(document["sections"]["identity"].dump());
  ExpectRejectedAt(document.dump(), "signature");
}

TEST_F(CliExportTest, EveryFlippedByteFailsWithTheIntegrityExitCode) {
  ExportAda("ada.json");
  WritePublicKey();
  std::string document = ReadWholeFile(InSandbox("ada.json"));
  ASSERT_GT(document.size(), 1000u);
  constexpr std::size_t kProbes = 48;
  for (std::size_t i = 0; i <= kProbes; ++i) {
    std::size_t at = std::min(document.size() - 1, i * document.size() / kProbes);
    std::string changed = document;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    CliResult r = VerifyContent(changed);
    EXPECT_EQ(r.exit_code, kExitIntegrity) << "byte " << at << "\n"
                                           << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("the export does not verify: ")) << "byte " << at;
    ExpectNoPersonalData(r);
  }
  ExpectRejectedAt(document + "\n", "document");
  // The untouched document still verifies, so the failures above are the flips'.
  EXPECT_EQ(VerifyContent(document).exit_code, 0);
}

TEST_F(CliExportTest, VerifyExportWithAnotherVaultsKeyFailsTheSignature) {
  ExportAda("ada.json");
  CliSandbox other;
  ASSERT_EQ(other.Run({"init", "--generate-key-file", "--key-file", kKeyFile}).exit_code,
            0);
  CliResult key =
      other.Run({"--as", "operator:ops-1", "--purpose", "operations", "--key-file",
                 kKeyFile, "keys", "public", "--out", "other.pub"});
  ASSERT_EQ(key.exit_code, 0) << ::testing::PrintToString(key);
  fs::copy_file(other.dir() / "other.pub", InSandbox("other.pub"));

  CliResult r =
      Run(kNobody, {"dsr", "verify-export", "ada.json", "--public-key", "other.pub"});
  EXPECT_EQ(r.exit_code, kExitIntegrity) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("signature failed"));
  ExpectNoPersonalData(r);
}

TEST_F(CliExportTest, ExportRefusesToOverwriteWithoutForce) {
  std::string id = AddAda();
  WriteSandboxFile("taken.json", "keep me");
  CliResult refused = Run(kDpoDsr, {"dsr", "export", id, "--out", "taken.json"});
  EXPECT_EQ(refused.exit_code, kExitRejected) << ::testing::PrintToString(refused);
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_EQ(ReadWholeFile(InSandbox("taken.json")), "keep me");
  ExpectNoPersonalData(refused);

  fs::permissions(InSandbox("taken.json"),
                  fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                      fs::perms::others_read);
  CliResult forced =
      Run(kDpoDsr, {"dsr", "export", id, "--out", "taken.json", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << ::testing::PrintToString(forced);
  EXPECT_THAT(ReadWholeFile(InSandbox("taken.json")), StartsWith("{"));
  EXPECT_EQ(PermissionsOf(InSandbox("taken.json")),
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(Run(kDpoDsr, {"dsr", "verify-export", "taken.json"}).exit_code, 0);
}

TEST_F(CliExportTest, ExportIntoAMissingFolderWritesNothing) {
  std::string id = AddAda();
  CliResult r = Run(kDpoDsr, {"dsr", "export", id, "--out", "no-such-dir/ada.json"});
  EXPECT_EQ(r.exit_code, kExitNotFound) << ::testing::PrintToString(r);
  EXPECT_FALSE(fs::exists(InSandbox("no-such-dir")));
}

TEST_F(CliExportTest, OnlyTheDpoForDsrMayExport) {
  std::string id = AddAda();
  for (const std::vector<std::string>& who : {kSupport, kDpoLegal, kAuditor, kOperator}) {
    CliResult r = Run(who, {"dsr", "export", id, "--out", "denied.json"});
    EXPECT_EQ(r.exit_code, kExitDenied) << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("access denied ("));
    EXPECT_FALSE(fs::exists(InSandbox("denied.json")));
    ExpectNoPersonalData(r);
  }
}

TEST_F(CliExportTest, ExportOfAnUnknownCustomerIsNotFound) {
  AddAda();
  CliResult r = Run(
      kDpoDsr, {"dsr", "export", CustomerId::Generate().str(), "--out", "nobody.json"});
  EXPECT_EQ(r.exit_code, kExitNotFound) << ::testing::PrintToString(r);
  EXPECT_FALSE(fs::exists(InSandbox("nobody.json")));

  CliResult malformed = Run(kDpoDsr, {"dsr", "export", kAdaEmail, "--out", "x.json"});
  EXPECT_EQ(malformed.exit_code, kExitRejected) << ::testing::PrintToString(malformed);
  ExpectNoPersonalValues(malformed);
}

TEST_F(CliExportTest, VerifyExportNeedsAFileAndAKey) {
  CliResult missing =
      Run(kNobody, {"dsr", "verify-export", "missing.json", "--public-key", "key.pub"});
  EXPECT_EQ(missing.exit_code, kExitNotFound) << ::testing::PrintToString(missing);

  ExportAda("ada.json");
  CliResult no_key = Run(kNobody, {"dsr", "verify-export", "ada.json"});
  EXPECT_EQ(no_key.exit_code, kExitUsage) << ::testing::PrintToString(no_key);
  EXPECT_THAT(no_key.err, HasSubstr("--public-key"));

  WriteSandboxFile("bad.pub", "not a key\n");
  CliResult bad_key =
      Run(kNobody, {"dsr", "verify-export", "ada.json", "--public-key", "bad.pub"});
  EXPECT_EQ(bad_key.exit_code, kExitRejected) << ::testing::PrintToString(bad_key);
  EXPECT_THAT(bad_key.err, HasSubstr("--public-key"));
}

}  // namespace
}  // namespace cvault::cli::testing
