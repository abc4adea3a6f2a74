#include "export.h"

#include "results.h"
#include "state.h"

namespace web {

// The rows the page has finished (scored or failed), in the results vocabulary the CLI writes too.
std::vector<stratum::ResultRow> finished_rows() {
    std::vector<stratum::ResultRow> out;
    for (const FileRow& r : app().rows) {
        if (r.status != FileRow::Status::Scored && r.status != FileRow::Status::Failed) continue;
        stratum::ResultRow row;
        row.file = r.name;
        row.label = r.label_text;
        row.note = r.note;
        if (r.status == FileRow::Status::Failed) {
            row.error = r.error;
        } else {
            row.score.norm = r.norm;
            row.score.score = r.score;
            row.score.raw = r.raw;
            row.score.flagged = is_flagged(r);
            row.has_pc = app().model.card.has_projection;
            row.pc[0] = r.pc[0];
            row.pc[1] = r.pc[1];
            row.input_range = r.input_range;
            row.latent = r.latent;
        }
        out.push_back(std::move(row));
    }
    return out;
}

// `stratum score --csv`'s columns (stratum::results_csv): the chosen score, calibrated, drives score
// and verdict; the model, the score's name and the threshold are on every line.
std::string results_csv() {
    const stratum::ModelCard& card = app().model.card;
    stratum::ResultsContext context{card.name, chosen_score().name, app().threshold.value, {}};
    for (const stratum::ExtraScore& x : card.extra_scores) context.extra_scores.push_back(x.name);
    return stratum::results_csv(finished_rows(), context);
}

std::string latents_tsv() {
    return stratum::latents_tsv(finished_rows(), static_cast<std::size_t>(app().model.card.latent_size));
}

}  // namespace web
