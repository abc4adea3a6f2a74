#include "pipeline.h"

#include <map>
#include <nlohmann/json.hpp>

#include "csv.h"
#include "error.h"
#include "plot_axes.h"
#include "image.h"
#include "intensity.h"
#include "maps.h"
#include "scoring.h"
#include "state.h"
#include "thumbnail.h"

namespace web {
namespace {

// A wave of files (since the queue was last empty) ends when every file of it has finished.
void row_finished() {
    ProgressState& p = app().progress;
    if (++p.done >= p.total) p = ProgressState{};
}

void fail_row(std::size_t row, const std::string& error) {
    AppState& s = app();
    FileRow& r = s.rows[row];
    r.status = FileRow::Status::Failed;
    r.error = error;
    row_finished();
    s.view.order_dirty = true;
}

// A new row for another page of the file in `of` (or a failure part-way through it): same file, same label.
std::size_t add_row_like(std::size_t of, const std::string& name) {
    AppState& s = app();
    FileRow row;
    row.id = s.next_row_id++;
    row.source = s.rows[of].source;
    row.key = s.rows[of].key;
    row.name = name;
    row.label = s.rows[of].label;
    row.label_text = s.rows[of].label_text;
    s.rows.push_back(std::move(row));
    s.progress.total++;
    return s.rows.size() - 1;
}

bool known(int row, int generation) {
    const AppState& s = app();
    return row >= 0 && generation == s.generation && static_cast<std::size_t>(row) < s.rows.size();
}

// The batch `ticket` stands for, or null when it is not the one with the encoder.
Batch* batch_for(int ticket) {
    AppState& s = app();
    return ticket != 0 && ticket == s.in_flight.ticket ? &s.in_flight : nullptr;
}

}  // namespace

int add_file(const std::string& path, const std::string& relative, const std::string& key, double now_ms) {
    AppState& s = app();
    const auto known_file = s.file_keys.find(key);
    if (known_file != s.file_keys.end() && known_file->second < s.rows.size()) {
        // A file that failed or was cancelled is tried again, in its row; one scored or on its way is not
        // added twice.
        FileRow& again = s.rows[known_file->second];
        if (again.status == FileRow::Status::Failed || again.status == FileRow::Status::Cancelled) {
            again.status = FileRow::Status::Queued;
            again.error.clear();
            again.name = again.source;
            if (s.progress.total == 0) s.progress.started_ms = now_ms;
            s.progress.total++;
            s.view.order_dirty = true;
            return static_cast<int>(known_file->second);
        }
        ++s.duplicates_skipped;
        s.notice = std::to_string(s.duplicates_skipped) + (s.duplicates_skipped == 1 ? " file was" : " files were") +
                   " already in the table (same name and size) and not added again";
        return -1;
    }
    s.file_keys[key] = s.rows.size();
    FileRow row;
    row.id = s.next_row_id++;
    row.name = row.source = path;
    row.key = key;
    row.label_text = stratum::label_for_path(relative);
    row.label = stratum::label_kind(row.label_text);
    s.rows.push_back(std::move(row));
    if (s.progress.total == 0) s.progress.started_ms = now_ms;
    s.progress.total++;
    s.view.order_dirty = true;
    return static_cast<int>(s.rows.size() - 1);
}

int add_page(int row, int generation, int index, int count, std::size_t values, const std::uint8_t* thumbnail,
             std::size_t thumbnail_size, const std::string& note, const std::string& input_range) {
    AppState& s = app();
    if (!known(row, generation)) return -1;
    std::size_t at = static_cast<std::size_t>(row);
    if (index == 0) {
        if (s.rows[at].status != FileRow::Status::Queued) return -1;
        s.rows[at].name = stratum::page_name(s.rows[at].source, 0, count);
    } else {
        at = add_row_like(at, stratum::page_name(s.rows[at].source, index, count));
    }
    FileRow& r = s.rows[at];
    r.page = index;
    r.note = note;
    r.input_range = input_range.empty() ? stratum::window_text(input_window()) : input_range;
    if (thumbnail && thumbnail_size == static_cast<std::size_t>(kThumbnail) * kThumbnail * 4)
        r.thumbnail.assign(thumbnail, thumbnail + thumbnail_size);
    s.view.order_dirty = true;
    const stratum::InputSpec& spec = s.model.card.input;
    if (!s.model.ready || values != static_cast<std::size_t>(spec.channels) * spec.height * spec.width) {
        fail_row(at, "decoded for another model input size; drop the file again");
        return -1;
    }
    return static_cast<int>(at);
}

void add_failure(int row, int generation, const std::string& message) {
    if (!known(row, generation)) return;
    const std::size_t at = add_row_like(static_cast<std::size_t>(row), app().rows[static_cast<std::size_t>(row)].source);
    fail_row(at, message);
}

void decode_failed(int row, int generation, const std::string& message) {
    if (!known(row, generation) || app().rows[static_cast<std::size_t>(row)].status != FileRow::Status::Queued) return;
    fail_row(static_cast<std::size_t>(row), message);
}

int batch_sent(const std::vector<int>& rows) {
    AppState& s = app();
    Batch batch;
    batch.ticket = ++s.last_ticket;
    for (int row : rows) {
        const std::size_t at = static_cast<std::size_t>(row);
        batch.rows.push_back(at);
        if (row >= 0 && at < s.rows.size() && s.rows[at].status == FileRow::Status::Queued)
            s.rows[at].status = FileRow::Status::Scoring;
    }
    s.in_flight = std::move(batch);
    s.view.order_dirty = true;
    return s.in_flight.ticket;
}

void batch_done(int ticket, const float* latents, int n, int dims, const float* extras, std::size_t extras_size) {
    AppState& s = app();
    Batch* found = batch_for(ticket);
    if (!found) return;  // cleared meanwhile
    const Batch batch = std::move(*found);
    s.in_flight = Batch{};
    auto scoring = [&s](std::size_t row) { return row < s.rows.size() && s.rows[row].status == FileRow::Status::Scoring; };
    const stratum::ModelCard& card = s.model.card;
    std::size_t per_image = 0;
    for (const stratum::ExtraScore& x : card.extra_scores) per_image += x.output_width();
    if (n < static_cast<int>(batch.rows.size()) || dims != card.latent_size ||
        extras_size != per_image * static_cast<std::size_t>(n > 0 ? n : 0)) {
        for (std::size_t row : batch.rows)
            if (scoring(row))
                fail_row(row, "the encoder returned " + std::to_string(n) + " x " + std::to_string(dims) + " latents and " +
                                  std::to_string(extras_size) + " extra values for " + std::to_string(batch.rows.size()) +
                                  " images");
        return;
    }
    for (std::size_t i = 0; i < batch.rows.size(); ++i) {
        if (!scoring(batch.rows[i])) continue;
        FileRow& r = s.rows[batch.rows[i]];
        const float* z = latents + i * static_cast<std::size_t>(dims);
        // This image's extra values, gathered from the output-major blocks into card order.
        std::vector<double> e;
        e.reserve(per_image);
        const float* block = extras;
        for (const stratum::ExtraScore& x : card.extra_scores) {
            const std::size_t width = x.output_width();
            e.insert(e.end(), block + i * width, block + (i + 1) * width);
            block += width * static_cast<std::size_t>(n);
        }
        try {
            const stratum::LatentScore score =
                stratum::score_outputs(z, static_cast<std::size_t>(dims), e, card, s.score_choice, s.threshold.value);
            r.norm = score.norm;
            r.score = score.score;
            r.raw = score.raw;
            r.latent.assign(z, z + dims);
            if (card.has_projection) stratum::project(card.projection, z, r.pc);
            r.status = FileRow::Status::Scored;
            row_finished();
        } catch (const stratum::Error& error) {
            fail_row(batch.rows[i], error.what());
        }
    }
    s.view.order_dirty = true;
    if (s.threshold.preset == ThresholdPreset::TopPercent) update_threshold();
}

void batch_failed(int ticket, const std::string& message) {
    AppState& s = app();
    Batch* found = batch_for(ticket);
    if (!found) return;
    const Batch batch = std::move(*found);
    s.in_flight = Batch{};
    for (std::size_t row : batch.rows)
        if (row < s.rows.size() && s.rows[row].status == FileRow::Status::Scoring) fail_row(row, "encoder failed: " + message);
}

int generation() { return app().generation; }
int clears() { return app().clears; }

bool pipeline_busy() {
    for (const FileRow& r : app().rows)
        if (r.status == FileRow::Status::Queued || r.status == FileRow::Status::Scoring) return true;
    return false;
}

void cancel_pipeline() {
    AppState& s = app();
    ++s.generation;
    std::size_t cancelled = 0;
    for (FileRow& r : s.rows)
        if (r.status == FileRow::Status::Queued) {
            r.status = FileRow::Status::Cancelled;
            ++cancelled;
        }
    s.notice = cancelled ? "cancelled: " + std::to_string(cancelled) + (cancelled == 1 ? " file" : " files") + " not scored" : "";
    s.progress = ProgressState{};
    s.view.order_dirty = true;
    // The batch with the encoder finishes and is shown; nothing after it is sent.
}

void clear_rows() {
    AppState& s = app();
    cancel_pipeline();
    s.in_flight = Batch{};  // its answer is ignored
    s.rows.clear();
    s.notice.clear();  // what it said was about the rows just cleared
    s.file_keys.clear();
    s.duplicates_skipped = 0;
    ++s.clears;
    forget_maps();
    s.view.selected = -1;
    // The table's order and filter were about the rows just cleared ("7 shown of 0" otherwise, until
    // new rows came, and a filter no new name matched).
    s.view.order.clear();
    s.view.filter[0] = 0;
    s.view.order_dirty = true;
}

void apply_labels(const std::vector<std::pair<std::string, std::string>>& labels) {
    AppState& s = app();
    // By the file (every page of a stack takes the file's label), with the CLI's rule for names.
    std::vector<std::string> files;
    std::map<std::string, std::size_t> index;  // source -> position in files
    for (const FileRow& r : s.rows)
        if (index.emplace(r.source, files.size()).second) files.push_back(r.source);
    const stratum::LabelAssignment assignment = stratum::assign_labels(files, labels);
    for (FileRow& r : s.rows) {
        const std::string& label = assignment.labels[index[r.source]];
        if (label.empty()) continue;
        r.label_text = label;
        r.label = stratum::label_kind(label);
    }
    s.notice = stratum::label_summary(assignment, labels.size());
    s.view.order_dirty = true;
}

std::string load_labels(const std::string& csv_text) {
    try {
        apply_labels(stratum::parse_label_csv(csv_text));
        return "";
    } catch (const stratum::Error& e) {
        app().notice = std::string("labels CSV refused: ") + e.what();
        return app().notice;
    }
}

std::string input_spec_json() {
    const ModelState& m = app().model;
    if (!m.ready) return "";
    const stratum::IntensityWindow w = input_window();
    const int depth = w.depth == stratum::SampleType::UInt16 ? 1 : w.depth == stratum::SampleType::Float32 ? 2 : 0;
    return nlohmann::json{{"channels", m.card.input.channels},
                          {"height", m.card.input.height},
                          {"width", m.card.input.width},
                          {"fit", m.card.input.fit == stratum::Fit::Stretch ? 1 : 0},
                          {"batch", kBatchSize},
                          {"window_text", stratum::window_text(w)},
                          {"window", {{"lo", w.lo}, {"hi", w.hi}, {"depth", depth}}}}
        .dump();
}

std::string progress_json() {
    const AppState& s = app();
    std::size_t finished = 0;
    for (const FileRow& r : s.rows)
        finished += r.status == FileRow::Status::Scored || r.status == FileRow::Status::Failed ||
                    r.status == FileRow::Status::Cancelled;
    return nlohmann::json{{"rows", s.rows.size()}, {"finished", finished}, {"busy", finished < s.rows.size()}}.dump();
}

std::string results_json() {
    const AppState& s = app();
    nlohmann::json rows = nlohmann::json::array();
    std::size_t flagged = 0;
    std::vector<bool> in_table(s.rows.size(), false);  // drawn by the table last frame
    for (int k = std::max(0, s.view.table_drawn[0]); k < std::min<int>(s.view.table_drawn[1], s.view.order.size()); ++k)
        if (static_cast<std::size_t>(s.view.order[static_cast<std::size_t>(k)]) < s.rows.size())
            in_table[static_cast<std::size_t>(s.view.order[static_cast<std::size_t>(k)])] = true;
    for (std::size_t i = 0; i < s.rows.size(); ++i) {
        const FileRow& r = s.rows[i];
        nlohmann::json j = {{"name", r.name},       {"label", r.label_text},  {"note", r.note},
                            {"input_range", r.input_range}, {"in_table", in_table[i]}};
        switch (r.status) {
            case FileRow::Status::Queued: j["status"] = "queued"; break;
            case FileRow::Status::Scoring: j["status"] = "scoring"; break;
            case FileRow::Status::Cancelled: j["status"] = "cancelled"; break;
            case FileRow::Status::Failed: j["status"] = "failed"; j["error"] = r.error; break;
            case FileRow::Status::Scored: {
                const bool f = is_flagged(r);
                flagged += f;
                j["status"] = "scored";
                j["norm"] = r.norm;
                j["score"] = r.score;
                j["raw"] = r.raw;
                j["flagged"] = f;
                j["pc"] = {r.pc[0], r.pc[1]};
                break;
            }
        }
        rows.push_back(j);
    }
    return nlohmann::json{{"model", s.model.card_loaded ? s.model.card.name : ""},
                          {"ready", s.model.ready},
                          {"backend", s.model.backend},
                          {"backend_note", s.model.backend_note},
                          {"threads", s.model.threads},
                          {"model_error", s.model.error},
                          {"notice", s.notice},
                          {"threshold", s.threshold.value},
                          {"input_range", stratum::window_text(input_window())},
                          {"score_name", s.model.card_loaded ? chosen_score().name : ""},
                          {"flagged", flagged},
                          {"busy", pipeline_busy()},
                          {"histogram", [&] {
                               const HistogramAxis a = histogram_axis(scored_values(), s.threshold.value);
                               return nlohmann::json{{"lo", a.lo}, {"hi", a.hi}, {"below", a.below}, {"above", a.above}, {"ticks", a.ticks}};
                           }()},
                          {"strata", [&] {
                               const StrataAxis a = strata_axis(shown_norms(), s.model.card.calibration);
                               nlohmann::json rings = nlohmann::json::array();
                               for (const StrataRing& r : a.rings) rings.push_back({{"norm", r.norm}, {"label", r.label}});
                               return nlohmann::json{{"inner", a.inner}, {"rings", rings}};
                           }()},
                          {"view", {{"zoom", s.view.zoom}, {"table_scroll", s.view.table_scroll},
                                    {"table_scroll_max", s.view.table_scroll_max}, {"plot", s.view.plot},
                                    {"side_scroll_max", s.view.side_scroll_max}, {"plot_rect", s.view.plot_rect}, {"plot_scale", s.view.plot_scale},
                                    {"plot_offset", s.view.plot_offset}, {"hovered", s.view.hovered},
                                    {"hovered_thumbnail", s.view.hovered_thumbnail},
                                    {"first_shown", s.view.order.empty() || static_cast<std::size_t>(s.view.order[0]) >= s.rows.size()
                                                        ? ""
                                                        : s.rows[static_cast<std::size_t>(s.view.order[0])].name}}},
                          {"rows", rows}}
        .dump();
}

}  // namespace web
