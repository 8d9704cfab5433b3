#include "crypto/blind_index.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"

namespace cvault::crypto {
namespace {

SecretBytes CountingKey(std::size_t size) {
  SecretBytes key(size);
  for (std::size_t i = 0; i < size; ++i) {
    key.RevealMutable()[i] = static_cast<std::uint8_t>(i);
  }
  return key;
}

BlindIndexer MakeIndexer(const SecretBytes& root_key) {
  auto indexer = BlindIndexer::Create(root_key);
  if (!indexer.has_value()) {
    ADD_FAILURE() << indexer.error().ToString();
    std::abort();
  }
  return std::move(*indexer);
}

TEST(BlindIndexerTest, CreateWithWrongRootKeySizeFails) {
  for (std::size_t size : {0, 16, 31, 33, 64}) {
    auto indexer = BlindIndexer::Create(SecretBytes::Random(size));
    ASSERT_FALSE(indexer.has_value()) << "root key size " << size;
    EXPECT_EQ(indexer.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(BlindIndexerTest, SameValueAndFieldGiveTheSameIndex) {
  const SecretBytes root = SecretBytes::Random(32);
  const BlindIndexer first = MakeIndexer(root);
  const BlindIndexer second = MakeIndexer(root);
  const Bytes index = first.Compute(IndexedField::kEmail, "alice@example.com");
  EXPECT_EQ(index.size(), kBlindIndexSize);
  EXPECT_EQ(index, first.Compute(IndexedField::kEmail, "alice@example.com"));
  EXPECT_EQ(index, second.Compute(IndexedField::kEmail, "alice@example.com"));
}

TEST(BlindIndexerTest, SameValueInDifferentFieldsGivesDifferentIndexes) {
  const BlindIndexer indexer = MakeIndexer(SecretBytes::Random(32));
  EXPECT_NE(indexer.Compute(IndexedField::kEmail, "+4915112345678"),
            indexer.Compute(IndexedField::kPhone, "+4915112345678"));
}

TEST(BlindIndexerTest, DifferentRootKeysGiveDifferentIndexes) {
  const BlindIndexer a = MakeIndexer(SecretBytes::Random(32));
  const BlindIndexer b = MakeIndexer(SecretBytes::Random(32));
  EXPECT_NE(a.Compute(IndexedField::kEmail, "alice@example.com"),
            b.Compute(IndexedField::kEmail, "alice@example.com"));
}

TEST(BlindIndexerTest, DifferentValuesGiveDifferentIndexes) {
  const BlindIndexer indexer = MakeIndexer(SecretBytes::Random(32));
  EXPECT_NE(indexer.Compute(IndexedField::kEmail, "alice@example.com"),
            indexer.Compute(IndexedField::kEmail, "alice@example.org"));
  EXPECT_NE(indexer.Compute(IndexedField::kEmail, ""),
            indexer.Compute(IndexedField::kEmail, "a"));
}

TEST(BlindIndexerTest, IndexIsNotTheUnkeyedValue) {
  const BlindIndexer indexer = MakeIndexer(SecretBytes::Random(32));
  const Bytes index =
      indexer.Compute(IndexedField::kEmail, "alice@example.com");
  const std::string_view as_text(reinterpret_cast<const char*>(index.data()),
                                 index.size());
  EXPECT_EQ(as_text.find("alice"), std::string_view::npos);
}

// Pins the documented construction (docs/ciphertext-format.md): field key =
// crypto_kdf(root, subkey id = field, "cvblind1"), index = BLAKE2b-256 keyed
// with it. Stored indexes depend on this never changing. Expected values
// computed independently with Python's hashlib.blake2b.
TEST(BlindIndexerTest, MatchesDocumentedConstruction) {
  const BlindIndexer indexer = MakeIndexer(CountingKey(32));
  EXPECT_EQ(ToHex(indexer.Compute(IndexedField::kEmail, "alice@example.com")),
            "b4447f6970e98d9e87ee6c603192684f44260d2ee5db5a59889c791a3d3035e6");
  EXPECT_EQ(ToHex(indexer.Compute(IndexedField::kPhone, "+4915112345678")),
            "890edd7fd9a9ee63bea072f77f13a5b24c59d2c01b014e96720e3f1fcb53aff6");
}

TEST(BlindIndexerDeathTest, UndeclaredFieldAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const BlindIndexer indexer = MakeIndexer(SecretBytes::Random(32));
  EXPECT_DEATH((void)indexer.Compute(static_cast<IndexedField>(99), "x"), "");
}

}  // namespace
}  // namespace cvault::crypto
