// docs/compliance.md names, for every duty, the tests that show the vault
// serves it. This keeps the map honest: each named test must exist in
// tests/ (the suite itself shows that it passes).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>

namespace cvault {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// "Suite.Name" of every TEST, TEST_F and TEST_P under tests/.
std::set<std::string> DefinedTests() {
  const std::regex test(R"(TEST(?:_F|_P)?\(\s*(\w+),\s*(\w+)\))");
  std::set<std::string> names;
  const std::filesystem::path root = std::filesystem::path(CVAULT_SOURCE_DIR) / "tests";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".cc") continue;
    const std::string text = ReadFile(entry.path());
    for (std::sregex_iterator it(text.begin(), text.end(), test), end; it != end; ++it) {
      names.insert((*it)[1].str() + "." + (*it)[2].str());
    }
  }
  return names;
}

TEST(ComplianceMapTest, EveryTestTheMapNamesExists) {
  const std::string map =
      ReadFile(std::filesystem::path(CVAULT_SOURCE_DIR) / "docs/compliance.md");
  ASSERT_FALSE(map.empty()) << "docs/compliance.md is missing";
  const std::set<std::string> defined = DefinedTests();
  const std::regex named(R"(`([A-Z]\w*Test)\.(\w+)`)");
  int checked = 0;
  for (std::sregex_iterator it(map.begin(), map.end(), named), end; it != end; ++it) {
    const std::string name = (*it)[1].str() + "." + (*it)[2].str();
    EXPECT_TRUE(defined.contains(name)) << "docs/compliance.md names " << name
                                        << ", which no test under tests/ defines";
    ++checked;
  }
  EXPECT_GE(checked, 30) << "the map names fewer tests than expected";
}

}  // namespace
}  // namespace cvault
