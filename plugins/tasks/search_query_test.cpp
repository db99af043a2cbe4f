#include "search_query.hpp"

#include <gtest/gtest.h>

namespace tasklane::tasks {
namespace {

using Words = std::vector<std::string>;

TEST(SearchWords, SplitsOnAnythingButLettersAndDigitsAndLowerCases) {
    EXPECT_EQ(search_words("Deploy the API-gateway, v2!"), (Words{"deploy", "the", "api", "gateway", "v2"}));
    EXPECT_EQ(search_words("  "), Words{});
    EXPECT_EQ(search_words("\"*(:)'"), Words{});
}

TEST(SearchWords, KeepsMultibyteCharactersInsideWords) {
    EXPECT_EQ(search_words("Café crème"), (Words{"café", "crème"}));
}

TEST(SearchWords, CapsTheNumberAndLengthOfWordsAtCharacterBoundaries) {
    std::string many;
    for (int i = 0; i < 40; ++i) {
        many += "w" + std::to_string(i) + " ";
    }
    EXPECT_EQ(search_words(many).size(), 16u);
    const std::string long_word = std::string(63, 'a') + "éé";
    const auto words = search_words(long_word);
    ASSERT_EQ(words.size(), 1u);
    EXPECT_EQ(words[0], std::string(63, 'a') + "é");  // never half a character
}

TEST(SearchSyntax, EveryWordIsAQuotedPrefixForFts5AndAPrefixTermForPostgresql) {
    const Words words = {"or", "near", "deplo"};
    EXPECT_EQ(fts5_match(words), "\"or\"* \"near\"* \"deplo\"*");
    EXPECT_EQ(pg_tsquery(words), "or:* & near:* & deplo:*");
}

}  // namespace
}  // namespace tasklane::tasks
