// CSV output (RFC 4180): fields with a comma, quote, CR or LF, or leading/trailing spaces are quoted,
// quotes are doubled, rows end with CRLF so spreadsheet programs agree on line breaks in fields.
#pragma once
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace stratum {

std::string csv_field(const std::string& value);
std::string csv_row(const std::vector<std::string>& fields);
// Shortest decimal text that reads back to the same double ("nan", "inf" and "-inf" spelt out).
std::string csv_number(double value);

// Parses CSV text (RFC 4180: quoted fields, doubled quotes, CR LF or LF line ends, a UTF-8 BOM).
// Throws stratum::Error naming the line on an unterminated quote or text after a closing quote.
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// A CSV of labels: a header naming a file column ("file", "filename", "name" or "path") and a
// "label" column; returns (file, label) pairs in order. Throws stratum::Error when the columns are
// missing or a row is short.
std::vector<std::pair<std::string, std::string>> parse_label_csv(const std::string& text);

class CsvWriter {
public:
    explicit CsvWriter(std::ostream& out) : out_(out) {}
    void row(const std::vector<std::string>& fields) { out_ << csv_row(fields); }

private:
    std::ostream& out_;
};

}  // namespace stratum
