#pragma once
// Turns what a user types into a full-text query that cannot be FTS syntax:
// words are runs of letters and digits (any UTF-8 multibyte character counts
// as a letter), every word must match, each as a prefix.
#include <string>
#include <vector>

namespace tasklane::tasks {

// Lower-cased words of `text`; at most 16, each at most 64 bytes.
std::vector<std::string> search_words(const std::string& text);
// SQLite FTS5 MATCH expression: "word"* "word"* (implicit AND).
std::string fts5_match(const std::vector<std::string>& words);
// PostgreSQL to_tsquery text: word:* & word:*.
std::string pg_tsquery(const std::vector<std::string>& words);

}  // namespace tasklane::tasks
