#pragma once
// Tasks in and out of files: the export columns, a task as a CSV row, and
// rows of an imported CSV or JSON file as import records.
#include "task.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace tasklane::tasks {

// The export's columns, in order; the CSV header and the JSON keys.
const std::vector<std::string>& transfer_columns();

// One exported task as CSV cells (text neutralised against formulas).
std::vector<std::string> csv_cells(const Task& task);
// One exported task as a JSON object with the transfer columns.
nlohmann::json transfer_json(const Task& task);

// One record of an import file: its 1-based row (the CSV line, the JSON array
// index + 1) and the fields it gives, typed as in transfer_json (absent when
// the cell was empty).
struct ImportRecord {
    std::size_t row = 0;
    nlohmann::json fields = nlohmann::json::object();
};

// A CSV file with a header row of transfer columns (any order, any subset
// that includes title). Throws sdk::ApiError 422 naming the row and field of
// the first cell that cannot be read, or 400 for broken CSV.
std::vector<ImportRecord> records_from_csv(std::string_view text);
// A JSON array of task objects, or {"items": [...]}, as exported.
std::vector<ImportRecord> records_from_json(const nlohmann::json& body);

}  // namespace tasklane::tasks
