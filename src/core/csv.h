// CSV output (RFC 4180): fields with a comma, quote, CR or LF, or leading/trailing spaces are quoted,
// quotes are doubled, rows end with CRLF so spreadsheet programs agree on line breaks in fields.
#pragma once
#include <ostream>
#include <string>
#include <vector>

namespace stratum {

std::string csv_field(const std::string& value);
std::string csv_row(const std::vector<std::string>& fields);
// Shortest decimal text that reads back to the same double ("nan", "inf" and "-inf" spelt out).
std::string csv_number(double value);

class CsvWriter {
public:
    explicit CsvWriter(std::ostream& out) : out_(out) {}
    void row(const std::vector<std::string>& fields) { out_ << csv_row(fields); }

private:
    std::ostream& out_;
};

}  // namespace stratum
