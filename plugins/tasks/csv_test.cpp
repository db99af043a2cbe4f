// CSV writing and reading (RFC 4180) and the formula guard.
#include "csv.hpp"

#include <gtest/gtest.h>

namespace tasklane::tasks {
namespace {

TEST(Csv, QuotesOnlyWhatNeedsQuotingAndReadsItBack) {
    std::string out;
    append_csv_row(out, {"plain", "a,b", "say \"hi\"", "two\nlines", ""});
    EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
    const auto rows = parse_csv(out);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"plain", "a,b", "say \"hi\"", "two\nlines", ""}));
}

TEST(Csv, ReadsLfAndCrlfSkipsTheBomAndBlankLines) {
    const auto rows = parse_csv("\xEF\xBB\xBFid,title\n1,x\r\n\r\n2,\"y\"\n");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "title"}));
    EXPECT_EQ(rows[2], (std::vector<std::string>{"2", "y"}));
}

TEST(Csv, NamesTheLineOfAMalformedRow) {
    try {
        parse_csv("a,b\n\"c\"d,e\n");
        FAIL() << "accepted text after a closing quote";
    } catch (const CsvError& e) {
        EXPECT_EQ(e.line, 2u);
    }
    EXPECT_THROW(parse_csv("a,\"open\n"), CsvError);
}

TEST(Csv, FormulasAreNeutralisedAndRestored) {
    EXPECT_EQ(neutralise_formula("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
    for (const std::string f : {"+1", "-1", "@SUM(A1)", "\t=1"}) {
        EXPECT_EQ(neutralise_formula(f), "'" + f);
        EXPECT_EQ(restore_formula(neutralise_formula(f)), f);
    }
    EXPECT_EQ(neutralise_formula("fine"), "fine");
    EXPECT_EQ(restore_formula("'quoted on purpose"), "'quoted on purpose");
}

}  // namespace
}  // namespace tasklane::tasks
