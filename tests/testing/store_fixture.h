// The fixture under every store test, whatever the backend: a store opened
// fresh before each test, the transactions the test runs on it, and reopening
// it as a later process would. Subclasses say how a store is opened.
#ifndef CVAULT_TESTS_TESTING_STORE_FIXTURE_H_
#define CVAULT_TESTS_TESTING_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "cvault/status.h"

namespace cvault::testing {

// A store of type `Store` created before each test.
template <class Store, class Transaction>
class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override { OpenStore(/*create=*/true); }

  // Closes the store and opens it again from what it left.
  void Reopen() {
    store_.reset();
    OpenStore(/*create=*/false);
  }

  // A transaction on the store; null, with a test failure, if it does not
  // begin.
  std::unique_ptr<Transaction> Begin(bool write) {
    auto transaction = store_->Begin(write);
    EXPECT_TRUE(transaction.has_value()) << transaction.error().ToString();
    return transaction.has_value() ? std::move(*transaction) : nullptr;
  }

  std::unique_ptr<Store> store_;

 private:
  // Creates the store (create = true) or opens the one created before.
  virtual StatusOr<std::unique_ptr<Store>> Open(bool create) = 0;

  void OpenStore(bool create) {
    auto opened = Open(create);
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
  }
};

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_STORE_FIXTURE_H_
