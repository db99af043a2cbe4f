#include "csv.hpp"

namespace tasklane::tasks {

namespace {

bool starts_like_formula(std::string_view text) {
    return !text.empty() &&
           (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r');
}

}  // namespace

void append_csv_row(std::string& out, const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        const auto& f = fields[i];
        if (f.find_first_of(",\"\r\n") == std::string::npos) {
            out += f;
            continue;
        }
        out += '"';
        for (const char c : f) {
            out += c;
            if (c == '"') {
                out += '"';
            }
        }
        out += '"';
    }
    out += "\r\n";
}

std::vector<std::vector<std::string>> parse_csv(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    std::size_t line = 1, row_line = 1;
    bool quoted = false, after_quote = false, row_has_content = false;
    const auto end_row = [&] {
        if (row_has_content || !row.empty()) {
            row.push_back(std::move(field));
            rows.push_back(std::move(row));
        }
        row.clear();
        field.clear();
        row_has_content = false;
        after_quote = false;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
                after_quote = true;
            } else {
                line += c == '\n' ? 1 : 0;
                field += c;
            }
            continue;
        }
        if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            row_has_content = true;
            after_quote = false;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
            end_row();
            row_line = ++line;
        } else if (after_quote) {
            throw CsvError{row_line, "text after a closing quote"};
        } else if (c == '"' && field.empty()) {
            quoted = true;
            row_has_content = true;
        } else {
            field += c;
            row_has_content = true;
        }
    }
    if (quoted) {
        throw CsvError{row_line, "a quoted field is not closed"};
    }
    end_row();
    return rows;
}

std::string neutralise_formula(const std::string& text) { return starts_like_formula(text) ? "'" + text : text; }

std::string restore_formula(const std::string& text) {
    return text.size() > 1 && text[0] == '\'' && starts_like_formula(std::string_view(text).substr(1)) ? text.substr(1)
                                                                                                       : text;
}

}  // namespace tasklane::tasks
