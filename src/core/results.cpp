#include "results.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "csv.h"

namespace stratum {
namespace {

std::string lower(const std::string& text) {
    std::string t;
    for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
}

// Length of the valid UTF-8 sequence starting at s[i] (1-4), or 0 when the byte starts none
// (overlong forms, surrogates and code points past U+10FFFF are invalid, as RFC 3629 says).
std::size_t utf8_length(const std::string& s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) return cont(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(i + 1) || !cont(i + 2)) return 0;
        if (c == 0xE0 && b(i + 1) < 0xA0) return 0;  // overlong
        if (c == 0xED && b(i + 1) > 0x9F) return 0;  // surrogates
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
        if (c == 0xF0 && b(i + 1) < 0x90) return 0;  // overlong
        if (c == 0xF4 && b(i + 1) > 0x8F) return 0;  // past U+10FFFF
        return 4;
    }
    return 0;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Label label_kind(const std::string& text) {
    const std::string t = lower(text);
    static const char* normal[] = {"normal", "good", "ok", "negative", "0", "inlier"};
    static const char* anomalous[] = {"anomalous", "anomaly", "abnormal", "defect", "defective",
                                      "bad", "ng", "positive", "1", "outlier"};
    for (const char* n : normal)
        if (t == n) return Label::Normal;
    for (const char* a : anomalous)
        if (t == a) return Label::Anomalous;
    return Label::Unknown;
}

std::string label_for_path(const std::string& relative_path) {
    std::vector<std::string> folders;
    for (std::size_t start = 0;;) {
        const std::size_t slash = relative_path.find('/', start);
        if (slash == std::string::npos) break;  // what is left is the file name
        if (slash > start) folders.push_back(relative_path.substr(start, slash - start));
        start = slash + 1;
    }
    for (auto it = folders.rbegin(); it != folders.rend(); ++it)
        if (label_kind(*it) != Label::Unknown) return *it;
    return folders.empty() ? "" : folders.front();
}

LabelAssignment assign_labels(const std::vector<std::string>& files,
                              const std::vector<std::pair<std::string, std::string>>& lines) {
    LabelAssignment out;
    out.labels.assign(files.size(), "");
    std::vector<bool> given(files.size(), false);
    for (const auto& [name, label] : lines) {
        if (name.empty()) continue;
        std::vector<std::size_t> hits;
        for (std::size_t i = 0; i < files.size(); ++i) {
            const std::string& f = files[i];
            if (f == name || (f.size() > name.size() && f.compare(f.size() - name.size(), name.size(), name) == 0 &&
                              f[f.size() - name.size() - 1] == '/'))
                hits.push_back(i);
        }
        if (hits.empty()) {
            out.unmatched.push_back(name);
        } else if (hits.size() > 1) {
            out.ambiguous.push_back(name + " (" + std::to_string(hits.size()) + " files)");
        } else {
            out.labels[hits[0]] = label;
            given[hits[0]] = true;
        }
    }
    out.labelled = static_cast<std::size_t>(std::count(given.begin(), given.end(), true));
    return out;
}

std::string label_summary(const LabelAssignment& a, std::size_t lines) {
    auto list = [](const std::vector<std::string>& names) {
        std::string text;
        for (std::size_t i = 0; i < names.size() && i < 3; ++i) text += (i ? ", " : "") + names[i];
        if (names.size() > 3) text += " and " + std::to_string(names.size() - 3) + " more";
        return text;
    };
    std::string text = "labels: " + std::to_string(lines) + " lines, " + std::to_string(a.labelled) + " files labelled";
    if (!a.ambiguous.empty()) text += "; ambiguous, give their folder: " + list(a.ambiguous);
    if (!a.unmatched.empty()) text += "; no such file: " + list(a.unmatched);
    return text;
}

std::string verdict(const ResultRow& row) {
    return !row.error.empty() ? "error" : row.score.flagged ? "anomalous" : "normal";
}

std::vector<std::string> results_header(const ResultsContext& context) {
    std::vector<std::string> header{"file", "norm", "score", "verdict", "label", "error"};
    header.insert(header.end(), context.extra_scores.begin(), context.extra_scores.end());
    header.insert(header.end(), {"pc1", "pc2", "input_range", "note", "model", "score_name", "threshold"});
    return header;
}

std::string results_csv(const std::vector<ResultRow>& rows, const ResultsContext& context) {
    std::string out = csv_row(results_header(context));
    const std::string threshold = csv_number(context.threshold);
    for (const ResultRow& r : rows) {
        const bool scored = r.error.empty();
        std::vector<std::string> fields{name_field(r.file), scored ? csv_number(r.score.norm) : "",
                                        scored ? csv_number(r.score.score) : "", verdict(r), name_field(r.label), r.error};
        for (std::size_t k = 0; k < context.extra_scores.size(); ++k)
            fields.push_back(scored && k + 1 < r.score.raw.size() ? csv_number(r.score.raw[k + 1]) : "");
        fields.push_back(scored && r.has_pc ? csv_number(r.pc[0]) : "");
        fields.push_back(scored && r.has_pc ? csv_number(r.pc[1]) : "");
        fields.insert(fields.end(), {scored ? r.input_range : "", r.note, context.model, context.score_name, threshold});
        out += csv_row(fields);
    }
    return out;
}

std::string latents_tsv(const std::vector<ResultRow>& rows, std::size_t latent_size) {
    std::string out = "file";
    for (std::size_t k = 1; k <= latent_size; ++k) out += "\tz" + std::to_string(k);
    out += "\n";
    for (const ResultRow& r : rows) {
        if (!r.error.empty()) continue;
        out += name_field(r.file);
        for (float v : r.latent) out += "\t" + csv_number(v);
        out += "\n";
    }
    return out;
}

std::string name_field(const std::string& name) {
    std::string out;
    if (!name.empty() && (name[0] == '=' || name[0] == '+' || name[0] == '-' || name[0] == '@' || name[0] == '\''))
        out += '\'';
    for (std::size_t i = 0; i < name.size();) {
        const char c = name[i];
        if (c == '\\') out += "\\\\";
        else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else if (const std::size_t n = utf8_length(name, i)) {
            out.append(name, i, n);
            i += n;
            continue;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(c));
            out += hex;
        }
        ++i;
    }
    return out;
}

std::string name_from_field(const std::string& field) {
    std::size_t i = 0;
    if (field.size() >= 2 && field[0] == '\'' &&
        (field[1] == '=' || field[1] == '+' || field[1] == '-' || field[1] == '@' || field[1] == '\''))
        i = 1;
    std::string out;
    for (; i < field.size(); ++i) {
        if (field[i] != '\\' || i + 1 >= field.size()) {
            out += field[i];
            continue;
        }
        const char e = field[++i];
        if (e == '\\') out += '\\';
        else if (e == 't') out += '\t';
        else if (e == 'n') out += '\n';
        else if (e == 'r') out += '\r';
        else if (e == 'x' && i + 2 < field.size() && hex_value(field[i + 1]) >= 0 && hex_value(field[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(field[i + 1]) * 16 + hex_value(field[i + 2]));
            i += 2;
        } else {
            out += '\\';
            out += e;
        }
    }
    return out;
}

}  // namespace stratum
