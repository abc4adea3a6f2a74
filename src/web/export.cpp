#include "export.h"

#include <emscripten.h>

#include "csv.h"
#include "panels_internal.h"

namespace web {

std::string results_csv() {
    std::string out = stratum::csv_row({"file", "norm", "score", "verdict", "label", "pc1", "pc2", "error"});
    for (const FileRow& r : app().rows) {
        if (r.status == FileRow::Status::Scored)
            out += stratum::csv_row({r.name, stratum::csv_number(r.norm), stratum::csv_number(r.score),
                                     is_flagged(r) ? "anomalous" : "normal", r.label_text, stratum::csv_number(r.pc[0]),
                                     stratum::csv_number(r.pc[1]), ""});
        else if (r.status == FileRow::Status::Failed)
            out += stratum::csv_row({r.name, "", "", "error", r.label_text, "", "", r.error});
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
