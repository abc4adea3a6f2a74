#include "export.h"

#include <emscripten.h>

#include "csv.h"
#include "panels_internal.h"

namespace web {

// The columns of `stratum score --csv` plus pc1, pc2; then the raw value of every extra score, the
// intensity window and the note; `score`
// is the chosen score, calibrated (the status bar and the picker say which).
std::string results_csv() {
    const std::vector<stratum::ExtraScore>& extras = app().model.card.extra_scores;
    std::vector<std::string> header{"file", "norm", "score", "verdict", "label", "pc1", "pc2", "error"};
    for (const stratum::ExtraScore& x : extras) header.push_back(x.name);
    header.insert(header.end(), {"input_range", "note"});
    std::string out = stratum::csv_row(header);
    for (const FileRow& r : app().rows) {
        std::vector<std::string> fields;
        if (r.status == FileRow::Status::Scored)
            fields = {r.name, stratum::csv_number(r.norm), stratum::csv_number(r.score), is_flagged(r) ? "anomalous" : "normal",
                      r.label_text, stratum::csv_number(r.pc[0]), stratum::csv_number(r.pc[1]), ""};
        else if (r.status == FileRow::Status::Failed)
            fields = {r.name, "", "", "error", r.label_text, "", "", r.error};
        else
            continue;
        for (std::size_t k = 0; k < extras.size(); ++k)
            fields.push_back(r.status == FileRow::Status::Scored && k + 1 < r.raw.size() ? stratum::csv_number(r.raw[k + 1]) : "");
        fields.insert(fields.end(), {r.status == FileRow::Status::Scored ? r.input_range : "", r.note});
        out += stratum::csv_row(fields);
    }
    return out;
}

std::string latents_tsv() {
    std::string out;
    for (const FileRow& r : app().rows) {
        if (r.status != FileRow::Status::Scored) continue;
        out += r.name;
        for (float v : r.latent) out += "\t" + stratum::csv_number(v);
        out += "\n";
    }
    return out;
}

}  // namespace web

extern "C" {
// For the end-to-end tests: the same text the download button hands to the browser.
EMSCRIPTEN_KEEPALIVE const char* stratum_results_csv() {
    static std::string text;
    text = web::results_csv();
    return text.c_str();
}
}
