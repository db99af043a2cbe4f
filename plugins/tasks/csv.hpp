#pragma once
// CSV as RFC 4180 has it and spreadsheet programs read it: fields with a
// comma, quote or line break are quoted, quotes doubled, rows end in CRLF.
#include <string>
#include <string_view>
#include <vector>

namespace tasklane::tasks {

// Appends one row (and its CRLF) to `out`.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

// Rows of `text` (an optional UTF-8 byte order mark is skipped; CRLF or LF
// line ends; blank lines are skipped). Throws CsvError for an unterminated
// quote or text after a closing quote.
std::vector<std::vector<std::string>> parse_csv(std::string_view text);

struct CsvError {
    std::size_t line;  // 1-based line of the text where the row starts
    std::string message;
};

// Spreadsheets run a cell that starts with = + - @ (or a tab or carriage
// return before one) as a formula: `=HYPERLINK(...)` becomes a link that
// leaks data. Such text is exported with a leading apostrophe, which
// spreadsheets show as plain text; import removes it again.
std::string neutralise_formula(const std::string& text);
std::string restore_formula(const std::string& text);

}  // namespace tasklane::tasks
