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
