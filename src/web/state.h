// The page's state: plain structs, drawn each frame by the panels (Dear ImGui's immediate mode). App
// logic only: no emscripten, ImGui or GL here or in state.cpp, pipeline.cpp, model.cpp and export.cpp,
// which build natively too (tests/web).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model_card.h"
#include "results.h"
#include "thumbnail.h"

namespace web {

using stratum::Label;  // the kind of a row's label (results.h)

struct FileRow {
    // Queued: waiting to be decoded or for the encoder (web/pipeline.js holds the file and its tensor);
    // Scoring: in the batch with the encoder.
    enum class Status { Queued, Scoring, Scored, Failed, Cancelled };
    std::uint64_t id = 0;    // unique over the page's life (the drawing's texture cache keys on it)
    std::string name;        // path as dropped (folder/file.png) or file name; a stack's pages "FILE [page 2/12]"
    std::string source;      // the file it came from (the name without the page)
    std::string key;         // the file's key in web/pipeline.js (its path and size): to read it again for a map
    int page = 0;            // which page of the file (a TIFF stack's pages are rows of their own)
    std::string label_text;  // from the folder name or a labels CSV; "" when unknown
    Label label = Label::Unknown;
    Status status = Status::Queued;
    std::string error;  // for Failed
    std::string note;         // how the file was read (stratum::image_note): alpha, CMYK, the window
    std::string input_range;  // the intensity window it was read through (stratum::window_text)
    double norm = 0, score = 0;  // score: the chosen score, calibrated
    std::vector<double> raw;     // every score the card offers, raw (raw[0] = norm)
    double pc[2] = {0, 0};       // PCA coordinates (the card's basis)
    std::vector<float> latent;
    std::vector<std::uint8_t> thumbnail;  // RGBA, kThumbnail x kThumbnail
    bool selected = false;                // in the table and the plots
};

struct ModelState {
    bool card_loaded = false;  // a card is in use
    bool ready = false;        // its encoder session exists and matches it
    stratum::ModelCard card;
    std::string source;        // where it came from (URL or dropped file names)
    std::string error;         // why the last load failed (the previous model stays)
    std::string backend;       // "webgpu" or "wasm", as ONNX Runtime Web reports it
    std::string backend_note;  // why that backend (web/app.js: asked for, no usable adapter, measured faster)
    int threads = 1;
    bool webgpu_available = false;
};

enum class ThresholdPreset { TrainingQuantile, MedianKMad, TopPercent, Manual };

struct ThresholdState {
    ThresholdPreset preset = ThresholdPreset::TrainingQuantile;
    float quantile = 0.95f;  // training quantile
    float k = 3.0f;          // median + k MAD
    float percent = 5.0f;    // top percent of the current set
    double value = 0.0;      // in calibrated-score units; flag when score >= value
};

// The batch with the encoder: its rows, in the order of its images (web/pipeline.js sends it).
struct Batch {
    int ticket = 0;  // 0: none
    std::vector<std::size_t> rows;
};

struct ProgressState {
    std::size_t total = 0, done = 0;  // files of the current wave (since the queue was last empty)
    double started_ms = 0;
};

struct ViewState {
    int plot = 0;             // 0 PCA, 1 strata
    float zoom = 1.0f;
    float pan[2] = {0, 0};    // in plot units
    int selected = -1;        // the row last selected (the table scrolls to it)
    bool scroll_to_selected = false;
    bool box_selecting = false;  // left-drag on the plot
    float box_start[2] = {0, 0};
    float table_scroll = 0, table_scroll_max = 0;  // the table's scroll position and range, in pixels
    float side_scroll_max = 0;                      // how far the left column scrolls (0: it fits)
    int table_drawn[2] = {0, 0};  // the part of `order` the table drew last frame: [first, end)
    // Where the latent plot drew, for the tests: its rectangle (x0, y0, x1, y1) in canvas pixels and the
    // map from plot units to clip space; the row under the pointer and whether its tooltip had a thumbnail.
    float plot_rect[4] = {0, 0, 0, 0}, plot_scale[2] = {1, 1}, plot_offset[2] = {0, 0};
    std::string hovered;
    bool hovered_thumbnail = false;
    int hovered_row = -1;     // the row under the pointer this frame (table, plot or gallery), or -1
    std::vector<int> order;   // table order (sorted, filtered)
    bool order_dirty = true;
    char filter[128] = "";
};

struct AppState {
    ModelState model;
    int score_choice = 0;  // index in stratum::card_scores(model.card): drives verdict, histogram, colours
    ThresholdState threshold;
    ProgressState progress;
    ViewState view;
    std::vector<FileRow> rows;        // every file, in drop order
    std::uint64_t next_row_id = 1;
    // Bumped by Cancel and Clear: web/pipeline.js drops the files and tensors of an older generation,
    // and decoded pages of an older generation are ignored here.
    int generation = 0;
    int last_ticket = 0;
    Batch in_flight;
    int clears = 0;                    // bumped by Clear and by a model change: the rows start again
    std::map<std::string, std::size_t> file_keys;  // the files in the table (name and size) and their rows
    std::size_t duplicates_skipped = 0;  // since the last Clear
    std::string notice;               // one line for the status bar
    // The intensity window files are read through: the card's, unless the user set another (the
    // Model panel); each row records the one it was read with.
    bool window_overridden = false;
    stratum::IntensityWindow window_override;
    char window_text[64] = "";        // the Model panel's LO:HI field
    std::string window_error;         // why the last LO:HI was refused
};

// The window new files are read through: the user's, else the card's.
stratum::IntensityWindow input_window();

AppState& app();

// A scored row at or above the threshold: the verdict "anomalous" (stratum::LatentScore::flagged).
inline bool is_flagged(const FileRow& r) { return r.status == FileRow::Status::Scored && r.score >= app().threshold.value; }

// Scores of the scored rows, in row order (for thresholds and histograms).
std::vector<double> scored_values();
// The scored rows whose label is known: their scores, and whether each is labelled anomalous (for
// AUROC, the ROC curve and precision at the threshold; the Labels panel and the report).
struct LabelledScores {
    std::vector<double> scores;
    std::vector<bool> anomalous;
};
LabelledScores labelled_scores();
// The norms the latent plot shows: the card's training sample, then the scored rows (for strata_axis).
std::vector<double> shown_norms();
// Recomputes the threshold from its preset (not for Manual).
void update_threshold();
// The threshold as the card's vocabulary has it (method, parameter, value): for stratum::threshold_meaning.
stratum::ThresholdChoice threshold_choice();
// The chosen score's definition (calibration, direction, default threshold).
stratum::ScoreSpec chosen_score();
// Makes score `index` drive verdicts: re-scores every scored row, resets the threshold to that
// score's default from the card.
void choose_score(int index);

}  // namespace web
