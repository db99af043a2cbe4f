#include "task_transfer.hpp"

#include "csv.hpp"
#include "route_helpers.hpp"

#include <tasklane/sdk/errors.hpp>
#include <tasklane/sdk/events.hpp>

#include <set>
#include <sstream>

namespace tasklane::tasks {

namespace {

// Columns holding free text: the ones a spreadsheet could run as a formula.
const std::set<std::string> kTextColumns = {"title", "description", "tags", "recurrence"};
// Columns holding integers, and lists of them.
const std::set<std::string> kIntegerColumns = {"id", "creator_id", "assignee_id", "parent_id", "position"};

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : " ") + item;
    }
    return out;
}

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string word; in >> word;) {
        out.push_back(word);
    }
    return out;
}

std::string cell_of(const nlohmann::json& value) {
    if (value.is_null()) {
        return "";
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_array()) {
        std::vector<std::string> items;
        for (const auto& v : value) {
            items.push_back(v.is_string() ? v.get<std::string>() : v.dump());
        }
        return joined(items);
    }
    return value.dump();
}

sdk::ApiError bad_cell(std::size_t row, const std::string& column, const std::string& message) {
    return sdk::ApiError::validation({{"row " + std::to_string(row) + ": " + column, message}},
                                     "row " + std::to_string(row) + " cannot be read; nothing was imported");
}

}  // namespace

const std::vector<std::string>& transfer_columns() {
    static const std::vector<std::string> columns = {
        "id",        "title",       "description", "status",     "priority",   "due_date",   "creator_id", "assignee_id",
        "parent_id", "tags",        "recurrence",  "position",   "depends_on", "created_at", "updated_at", "completed_at"};
    return columns;
}

nlohmann::json transfer_json(const Task& task) {
    const auto full = to_json(task);
    nlohmann::json out = nlohmann::json::object();
    for (const auto& column : transfer_columns()) {
        out[column] = full.at(column);
    }
    return out;
}

std::vector<std::string> csv_cells(const Task& task) {
    const auto record = transfer_json(task);
    std::vector<std::string> cells;
    for (const auto& column : transfer_columns()) {
        const auto cell = cell_of(record.at(column));
        cells.push_back(kTextColumns.count(column) ? neutralise_formula(cell) : cell);
    }
    return cells;
}

std::vector<ImportRecord> records_from_csv(std::string_view text) {
    std::vector<std::vector<std::string>> rows;
    try {
        rows = parse_csv(text);
    } catch (const CsvError& e) {
        throw sdk::ApiError::bad_request("CSV line " + std::to_string(e.line) + ": " + e.message);
    }
    if (rows.empty()) {
        throw sdk::ApiError::bad_request("the CSV has no header row");
    }
    const auto& header = rows[0];
    const auto& known = transfer_columns();
    std::set<std::string> seen;
    for (const auto& name : header) {
        if (std::find(known.begin(), known.end(), name) == known.end() || !seen.insert(name).second) {
            throw sdk::ApiError::bad_request("CSV header: '" + name + "' is not a task column, or repeats (columns: " +
                                             joined(known) + ")");
        }
    }
    if (!seen.count("title")) {
        throw sdk::ApiError::bad_request("CSV header: the title column is required");
    }
    std::vector<ImportRecord> records;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto row_number = r + 1;  // the header is row 1, as a spreadsheet numbers it
        if (rows[r].size() != header.size()) {
            throw bad_cell(row_number, "row", "has " + std::to_string(rows[r].size()) + " cells; the header has " +
                                                  std::to_string(header.size()));
        }
        ImportRecord record{row_number, nlohmann::json::object()};
        for (std::size_t c = 0; c < header.size(); ++c) {
            const auto& column = header[c];
            const auto cell = kTextColumns.count(column) ? restore_formula(rows[r][c]) : rows[r][c];
            if (column == "title" || column == "description") {
                record.fields[column] = cell;  // empty is a value here (and title's validation names it)
            } else if (cell.empty()) {
                continue;
            } else if (column == "tags") {
                record.fields[column] = split_words(cell);
            } else if (column == "depends_on") {
                nlohmann::json ids = nlohmann::json::array();
                for (const auto& word : split_words(cell)) {
                    const auto id = parse_int(word);
                    if (!id) {
                        throw bad_cell(row_number, column, "must be task ids separated by spaces");
                    }
                    ids.push_back(*id);
                }
                record.fields[column] = ids;
            } else if (kIntegerColumns.count(column)) {
                const auto n = parse_int(cell);
                if (!n) {
                    throw bad_cell(row_number, column, "must be an integer");
                }
                record.fields[column] = *n;
            } else {
                record.fields[column] = cell;
            }
        }
        records.push_back(std::move(record));
    }
    return records;
}

std::vector<ImportRecord> records_from_json(const nlohmann::json& body) {
    const auto& items = body.is_object() && body.contains("items") ? body["items"] : body;
    if (!items.is_array()) {
        throw sdk::ApiError::bad_request("the body must be a JSON array of tasks (or {\"items\": [...]})");
    }
    std::vector<ImportRecord> records;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!items[i].is_object()) {
            throw bad_cell(i + 1, "row", "must be a JSON object");
        }
        ImportRecord record{i + 1, nlohmann::json::object()};
        for (const auto& [key, value] : items[i].items()) {
            if (!value.is_null()) {
                record.fields[key] = value;
            }
        }
        records.push_back(std::move(record));
    }
    return records;
}

}  // namespace tasklane::tasks
