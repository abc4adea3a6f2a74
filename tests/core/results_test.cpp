#include <catch2/catch.hpp>
#include <algorithm>

#include "csv.h"
#include "explain.h"
#include "results.h"

using namespace stratum;

namespace {
// RFC 3629 validity, written independently of the encoder's own check.
bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        unsigned long cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < n; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (d & 0x3F);
        }
        const unsigned long smallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

const std::vector<std::string> kHardNames = {
    "plain.png", "a,b.png", "say \"cheese\".png", "tab\there.png", "line\nbreak.png", "cr\rhere.png",
    "back\\slash.png", "=SUM(A1:A9).png", "+1.png", "-rf.png", "@home.png", "'quoted.png", "''.png", "'",
    "caf\xE9 (Latin-1).png",                 // a lone byte of the Latin-1 e-acute: invalid UTF-8
    "\xC0\x80 overlong.png", "\xED\xA0\x80 surrogate.png", "\xF5\x80\x80\x80 beyond.png", "\xE2\x82 cut.png",
    "\xD0\xBA\xD0\xBB\xD0\xB5\xD1\x82\xD0\xBA\xD0\xB0.png",  // Cyrillic
    "\xE7\xB4\xB0\xE8\x83\x9E.png",                          // CJK
    "\xF0\x9F\xA7\xAB cells.png",                            // emoji
    "literal \\x41 text.png", "ends with backslash\\", ""};
}  // namespace

TEST_CASE("labels: the nearest label-word folder, else the first folder", "[results]") {
    CHECK(label_for_path("normal/x.png") == "normal");
    CHECK(label_for_path("normal/2024/x.png") == "normal");       // nested below a label folder
    CHECK(label_for_path("batch1/anomalous/x.png") == "anomalous");
    CHECK(label_for_path("good/run/defect/x.png") == "defect");   // the nearest wins
    CHECK(label_for_path("neutrophil/x.png") == "neutrophil");    // a class name
    CHECK(label_for_path("cells/sub/x.png") == "cells");
    CHECK(label_for_path("x.png").empty());
    CHECK(label_kind("Good") == Label::Normal);
    CHECK(label_kind("NG") == Label::Anomalous);
    CHECK(label_kind("neutrophil") == Label::Unknown);
}

TEST_CASE("every file name round-trips through a field, as valid UTF-8 a spreadsheet will not run", "[results]") {
    for (const std::string& name : kHardNames) {
        CAPTURE(name);
        const std::string field = name_field(name);
        CHECK(valid_utf8(field));
        CHECK(field.find_first_of("\t\n\r") == std::string::npos);
        if (!field.empty()) CHECK(std::string("=+-@").find(field[0]) == std::string::npos);
        CHECK(name_from_field(field) == name);
    }
    CHECK(name_field("caf\xE9.png") == "caf\\xE9.png");
    CHECK(name_field("=1+1") == "'=1+1");
}

TEST_CASE("results CSV and latents TSV: one column order, names that survive", "[results]") {
    std::vector<ResultRow> rows;
    for (const std::string& name : kHardNames) {
        ResultRow r;
        r.file = name;
        r.label = "normal";
        r.score.norm = 1.5;
        r.score.score = 2.25;
        r.score.raw = {1.5, 0.5};
        r.score.flagged = true;
        r.has_pc = true;
        r.pc[0] = 0.125;
        r.pc[1] = -1;
        r.input_range = "0:255 (8-bit)";
        r.latent = {0.5f, -0.25f};
        rows.push_back(r);
    }
    ResultRow failed;
    failed.file = "broken.png";
    failed.error = "PNG is truncated";
    rows.push_back(failed);
    const ResultsContext context{"model, v2", "colour", 4.5, {"colour"}};
    const std::string csv = results_csv(rows, context);
    CHECK(valid_utf8(csv));
    const auto table = parse_csv(csv);
    REQUIRE(table.size() == rows.size() + 1);
    CHECK(table[0] == std::vector<std::string>{"file", "norm", "score", "verdict", "label", "error", "colour", "pc1", "pc2",
                                               "input_range", "note", "model", "score_name", "threshold"});
    for (std::size_t i = 0; i < kHardNames.size(); ++i) {
        CAPTURE(kHardNames[i]);
        REQUIRE(table[i + 1].size() == table[0].size());
        CHECK(name_from_field(table[i + 1][0]) == kHardNames[i]);
        CHECK(table[i + 1][3] == "anomalous");
        CHECK(table[i + 1][6] == "0.5");
        CHECK(table[i + 1][7] == "0.125");
        CHECK(table[i + 1][11] == "model, v2");
        CHECK(table[i + 1][13] == "4.5");
    }
    CHECK(table.back()[3] == "error");
    CHECK(table.back()[5] == "PNG is truncated");
    CHECK(table.back()[1].empty());

    const std::string tsv = latents_tsv(rows, 2);
    CHECK(valid_utf8(tsv));
    std::vector<std::string> lines;
    for (std::size_t start = 0, end; (end = tsv.find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(tsv.substr(start, end - start));
    REQUIRE(lines.size() == kHardNames.size() + 1);  // the header and the scored rows, one line each
    CHECK(lines[0] == "file\tz1\tz2");
    for (std::size_t i = 0; i < kHardNames.size(); ++i) {
        const std::string& line = lines[i + 1];
        CHECK(std::count(line.begin(), line.end(), '\t') == 2);
        CHECK(name_from_field(line.substr(0, line.find('\t'))) == kHardNames[i]);
    }
}

TEST_CASE("a labels CSV labels the one file each line names, and says which lines are ambiguous", "[results]") {
    const std::vector<std::string> files = {"run/a/x.png", "run/b/x.png", "run/a/y.png", "z.png", "run/a/yy.png"};
    const LabelAssignment a = assign_labels(files, {{"x.png", "normal"}, {"b/x.png", "anomalous"}, {"y.png", "normal"},
                                                    {"z.png", "bad"}, {"missing.png", "good"}});
    CHECK(a.labels == std::vector<std::string>{"", "anomalous", "normal", "bad", ""});  // yy.png is not y.png
    CHECK(a.labelled == 3);
    CHECK(a.ambiguous == std::vector<std::string>{"x.png (2 files)"});
    CHECK(a.unmatched == std::vector<std::string>{"missing.png"});
    CHECK(label_summary(a, 5) ==
          "labels: 5 lines, 3 files labelled; ambiguous, give their folder: x.png (2 files); no such file: missing.png");
}

TEST_CASE("plain words for calibrated scores, thresholds and models", "[results]") {
    using stratum::ThresholdChoice;
    CHECK(stratum::threshold_meaning({"training_quantile", 0.95, 3.5}) == "5 % of the training images score above it");
    CHECK(stratum::threshold_meaning({"training_quantile", 0.999, 3.5}) == "0.1 % of the training images score above it");
    CHECK(stratum::threshold_meaning({"median_plus_k_mad", 3, 2.0}) ==
          "3 median absolute deviations from the training images' median, on the anomalous side");
    CHECK(stratum::threshold_meaning({"top_percent", 2.5, 1.0}) == "the top 2.5 % of the images scored here lie above it");
    CHECK(stratum::threshold_meaning({"manual", 0, 1.0}) == "set by hand");
    CHECK(stratum::calibrated_score_meaning().find("1.4826") != std::string::npos);
    stratum::ModelCard card;
    card.input.width = card.input.height = 32;
    card.input.channels = 3;
    card.default_score = "colour";
    card.training.dataset = "PBC";
    card.training.normal_classes = {"neutrophil"};
    card.training.anomaly_classes = {"basophil", "eosinophil", "monocyte"};
    card.training.contamination = 0.1;
    CHECK(stratum::model_summary(card) ==
          "Flags images unlike the ones it learnt from: neutrophil from PBC, with 10 % other images mixed in (basophil, "
          "eosinophil and monocyte). It reads 32x32 colour images (others are resized, centre-cropped to that shape) and "
          "decides by its colour score.");
    card.training = {};
    card.input.channels = 1;
    card.default_score = "norm";
    CHECK(stratum::model_summary(card).rfind("Flags images unlike the ones it learnt from. It reads 32x32 grey", 0) == 0);
}
