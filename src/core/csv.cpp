#include "csv.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "error.h"

namespace stratum {

std::string csv_field(const std::string& value) {
    const bool needs_quotes = value.find_first_of(",\"\r\n") != std::string::npos ||
                              (!value.empty() && (value.front() == ' ' || value.back() == ' '));
    if (!needs_quotes) return value;
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    quoted += '"';
    return quoted;
}

std::string csv_row(const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) line += ',';
        line += csv_field(fields[i]);
    }
    line += "\r\n";
    return line;
}

std::string csv_number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buffer[32];
    for (int precision = 1; precision <= 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
        if (std::strtod(buffer, nullptr) == value) break;
    }
    return buffer;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    std::size_t i = 0, line = 1;
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
    bool quoted = false, after_quote = false, any = false;
    auto end_field = [&]() {
        row.push_back(field);
        field.clear();
        after_quote = false;
    };
    auto end_row = [&]() {
        end_field();
        if (!(row.size() == 1 && row[0].empty())) rows.push_back(row);  // skip blank lines
        row.clear();
        any = false;
    };
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                    after_quote = true;
                }
            } else {
                if (c == '\n') ++line;
                field += c;
            }
            continue;
        }
        if (c == ',') {
            end_field();
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            end_row();
            ++line;
        } else if (c == '"' && field.empty() && !after_quote) {
            quoted = true;
        } else if (after_quote) {
            throw Error("CSV line " + std::to_string(line) + ": text after a closing quote");
        } else {
            field += c;
        }
        any = true;
    }
    if (quoted) throw Error("CSV line " + std::to_string(line) + ": a quoted field is not closed");
    if (any || !field.empty() || !row.empty()) end_row();
    return rows;
}

std::vector<std::pair<std::string, std::string>> parse_label_csv(const std::string& text) {
    const std::vector<std::vector<std::string>> rows = parse_csv(text);
    if (rows.empty()) throw Error("the label CSV is empty");
    int file_col = -1, label_col = -1;
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
        const std::string& h = rows[0][c];
        if (h == "file" || h == "filename" || h == "name" || h == "path") file_col = static_cast<int>(c);
        if (h == "label") label_col = static_cast<int>(c);
    }
    if (file_col < 0 || label_col < 0)
        throw Error("the label CSV needs a header with a file column (file, filename, name or path) and a label column");
    std::vector<std::pair<std::string, std::string>> labels;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const std::size_t need = static_cast<std::size_t>(std::max(file_col, label_col)) + 1;
        if (rows[r].size() < need) throw Error("label CSV row " + std::to_string(r + 1) + " has too few fields");
        labels.emplace_back(rows[r][static_cast<std::size_t>(file_col)], rows[r][static_cast<std::size_t>(label_col)]);
    }
    return labels;
}

}  // namespace stratum
