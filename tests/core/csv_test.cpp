#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "csv.h"

using namespace stratum;

TEST_CASE("CSV quoting follows RFC 4180", "[csv]") {
    CHECK(csv_field("plain.png") == "plain.png");
    CHECK(csv_field("a,b.png") == "\"a,b.png\"");
    CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    CHECK(csv_field("two\nlines") == "\"two\nlines\"");
    CHECK(csv_field("cr\r") == "\"cr\r\"");
    CHECK(csv_field(" padded") == "\" padded\"");
    CHECK(csv_field("") == "");
    CHECK(csv_field("ünïcödé") == "ünïcödé");
    CHECK(csv_row({"file", "norm"}) == "file,norm\r\n");
    std::ostringstream out;
    CsvWriter writer(out);
    writer.row({"a", "b,c"});
    writer.row({"", "\""});
    CHECK(out.str() == "a,\"b,c\"\r\n,\"\"\"\"\r\n");
}

TEST_CASE("CSV numbers round-trip exactly", "[csv]") {
    for (double v : {0.0, 1.0, 0.1, 1.0 / 3, 12345.678901234567, -2.5e-300, 6.02214076e23}) {
        INFO(v);
        CHECK(std::strtod(csv_number(v).c_str(), nullptr) == v);
    }
    CHECK(csv_number(0.5) == "0.5");
    CHECK(csv_number(NAN) == "nan");
    CHECK(csv_number(-INFINITY) == "-inf");
}

TEST_CASE("CSV parsing undoes the writer and reads what spreadsheets write", "[csv]") {
    const std::vector<std::string> fields = {"a,b", "say \"hi\"", "two\nlines", "", " padded", "plain"};
    const auto rows = parse_csv(csv_row(fields) + csv_row({"x", "y"}));
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == fields);
    CHECK(rows[1] == std::vector<std::string>{"x", "y"});
    CHECK(parse_csv("\xEF\xBB\xBF" "a,b\nc,d") == std::vector<std::vector<std::string>>{{"a", "b"}, {"c", "d"}});
    CHECK(parse_csv("a\n\nb\n").size() == 2);  // blank lines are skipped
    CHECK_THROWS_WITH(parse_csv("a,\"open\nb"), Catch::Contains("not closed"));
    CHECK_THROWS_WITH(parse_csv("\"x\"y,z"), Catch::Contains("line 1: text after a closing quote"));
}

TEST_CASE("label CSV: file and label columns by name", "[csv]") {
    const auto labels = parse_label_csv("id,label,filename\r\n1,normal,a.png\r\n2,anomalous,\"b,c.png\"\r\n");
    REQUIRE(labels.size() == 2);
    CHECK(labels[1].first == "b,c.png");
    CHECK(labels[1].second == "anomalous");
    CHECK_THROWS_WITH(parse_label_csv("file,class\na,b\n"), Catch::Contains("label column"));
    CHECK_THROWS_WITH(parse_label_csv("file,label\na\n"), Catch::Contains("row 2 has too few fields"));
    CHECK_THROWS_WITH(parse_label_csv(""), Catch::Contains("empty"));
}
