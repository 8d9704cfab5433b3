// The test card number 4111 1111 1111 1111, as tests write it into fields
// and then look for in output. A search for "4111" alone would be flaky:
// random hex (request ids, pseudonyms, hashes) holds those four digits now
// and then.
#ifndef CVAULT_TESTS_TESTING_CARD_NUMBERS_H_
#define CVAULT_TESTS_TESTING_CARD_NUMBERS_H_

#include <string_view>

namespace cvault::testing {

// Whether `text` holds the test card number with spaces, dashes or no
// separators (at least its first eight digits).
inline bool ContainsTestCardNumber(std::string_view text) {
  for (std::string_view card : {"4111 1111", "4111-1111", "41111111"}) {
    if (text.find(card) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_CARD_NUMBERS_H_
