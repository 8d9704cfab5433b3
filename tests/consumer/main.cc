// A downstream program built against an installed cvault: creates a vault in
// the folder given as argv[1], stores a customer, reads it back and verifies
// the audit log. Exits non-zero on any failure.
#include <cstdio>
#include <filesystem>

#include "cvault/vault.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: consumer SCRATCH_DIR\n");
    return 2;
  }
  std::filesystem::path dir = argv[1];
  std::filesystem::remove_all(dir);

  cvault::Options options;
  options.vault_dir = dir / "vault";
  options.keys_dir = dir / "keys";
  options.root_key = cvault::RawRootKey{cvault::SecretBytes::Random(32)};
  auto vault = cvault::Vault::Create(std::move(options));
  if (!vault) {
    std::fprintf(stderr, "create: %s\n", vault.error().ToString().c_str());
    return 1;
  }
  cvault::AccessContext ctx{"consumer", "account-service", "account_management",
                            "package test", ""};
  cvault::NewCustomer customer;
  customer.full_name = "Test Customer";
  customer.email = "consumer@example.com";
  auto id = (*vault)->customers().Create(ctx, customer);
  if (!id) {
    std::fprintf(stderr, "add: %s\n", id.error().ToString().c_str());
    return 1;
  }
  auto record = (*vault)->customers().Get(ctx, *id);
  if (!record || record->fields.at(cvault::CustomerField::kEmail) != customer.email) {
    std::fprintf(stderr, "get failed\n");
    return 1;
  }
  cvault::AccessContext auditor{"consumer", "auditor", "audit", "", ""};
  auto report = (*vault)->audit().Verify(auditor);
  if (!report || !report->ok) {
    std::fprintf(stderr, "audit verify failed\n");
    return 1;
  }
  std::printf("consumer: created %s, read it back, audit log verified (%llu entries)\n",
              id->str().c_str(),
              static_cast<unsigned long long>(report->entries_checked));
  std::filesystem::remove_all(dir);
  return 0;
}
