// The results vocabulary the CLI and the page share: a file's label from its path, a result row and
// its verdict, and the CSV and TSV both write (one column order; file names that survive any bytes,
// any separator and any spreadsheet).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "scoring.h"

namespace stratum {

enum class Label { Unknown, Normal, Anomalous };

// The kind a label word names, case-insensitive: normal (normal, good, ok, negative, 0, inlier),
// anomalous (anomalous, anomaly, abnormal, defect, defective, bad, ng, positive, 1, outlier), else
// unknown (a class name such as "neutrophil" is a label, of no kind).
Label label_kind(const std::string& text);

// The label of a file from its path relative to the folder given to the CLI or dropped on the page
// ('/'-separated, the file name last): the nearest enclosing folder whose name is a label word (so
// data/normal/2024/x.png is "normal"), else the first folder of the path (a class name, as CIFAR-10
// and PBC extract: neutrophil/x.png is "neutrophil"), else "" (a file given on its own).
std::string label_for_path(const std::string& relative_path);

// A labels CSV (parse_label_csv) applied to files: a CSV name matches a file whose path equals it
// or ends with "/" + it (whole path components: "normal/x.png" matches "data/normal/x.png"). A name
// that matches several files labels none of them and is reported as ambiguous (give its folder);
// one that matches no file is reported too.
struct LabelAssignment {
    std::vector<std::string> labels;      // per file, "" where no line applies
    std::size_t labelled = 0;             // files that got a label
    std::vector<std::string> ambiguous;   // "x.png (3 files)"
    std::vector<std::string> unmatched;   // CSV names that match no file
};
LabelAssignment assign_labels(const std::vector<std::string>& files,
                              const std::vector<std::pair<std::string, std::string>>& lines);
// "labels: 12 lines, 10 files labelled; ambiguous: x.png (2 files); no file: y.png": the one line
// the page shows after a labels CSV.
std::string label_summary(const LabelAssignment& assignment, std::size_t lines);

// One image's line in the results: scored (error empty) or not, with why.
struct ResultRow {
    std::string file;   // as shown: the path given or dropped; a stack's pages "FILE [page 3/12]"
    std::string label;  // label_for_path, or a labels CSV; "" when unknown
    std::string error;  // "" when scored
    LatentScore score;  // norm, every raw score, the chosen score calibrated, flagged
    bool has_pc = false;
    double pc[2] = {0, 0};    // the card's PCA coordinates
    std::string input_range;  // the intensity window the image was read through (window_text)
    std::string note;         // image_note
    std::vector<float> latent;
};

// "anomalous", "normal" or "error".
std::string verdict(const ResultRow& row);

// What the rows were scored with, written on every line so that a CSV stays self-describing when it
// is sorted, filtered or pasted elsewhere.
struct ResultsContext {
    std::string model;       // the card's name
    std::string score_name;  // the score that drives `score` and `verdict`
    double threshold = 0;    // in calibrated-score units; flagged when score >= threshold
    std::vector<std::string> extra_scores;  // names of the card's extra scores, in card order
};

// The results CSV (RFC 4180, csv.h): file, norm, score, verdict, label, error, one raw column per
// extra score, pc1, pc2, input_range, note, model, score_name, threshold. Names pass through
// name_field. Numbers in their shortest exact form (csv_number).
std::vector<std::string> results_header(const ResultsContext& context);
std::string results_csv(const std::vector<ResultRow>& rows, const ResultsContext& context);

// The latents TSV of the scored rows: a header "file z1 ... zL" (tab-separated), then one line per
// row; names through name_field (tabs and line breaks escaped, so a line is always one row).
std::string latents_tsv(const std::vector<ResultRow>& rows, std::size_t latent_size);

// A file name as a CSV or TSV field: valid UTF-8 whatever bytes the name holds (each byte that is not
// part of a valid UTF-8 sequence written as \xNN), a backslash as \\, tab, line feed and carriage
// return as \t, \n, \r; a name starting with = + - @ or ' gets a leading ' so that no spreadsheet
// takes it for a formula. name_from_field undoes it exactly: every name round-trips.
std::string name_field(const std::string& name);
std::string name_from_field(const std::string& field);

}  // namespace stratum
