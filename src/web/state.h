// The page's state: plain structs, drawn each frame by the panels (Dear ImGui's immediate mode).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "model_card.h"

namespace web {

// A file the user dropped, waiting for the main loop to decode it.
struct PendingFile {
    std::size_t row;  // its row in AppState::rows
    std::vector<std::uint8_t> bytes;
};

struct FileRow {
    enum class Status { Queued, Scoring, Scored, Failed };
    std::string name;
    Status status = Status::Queued;
    std::string error;  // for Failed
    double norm = 0, score = 0;
    bool flagged = false;
};

struct ModelState {
    bool card_loaded = false;  // the card parsed and validated
    bool ready = false;        // the encoder session exists and matches the card
    stratum::ModelCard card;
    std::string card_url;
    std::string error;    // why the last load failed
    std::string backend;  // "webgpu" or "wasm", as reported by ONNX Runtime Web
    int threads = 1;
};

// Preprocessed inputs on their way to the encoder, and the rows they belong to.
struct Batch {
    std::vector<std::size_t> rows;
    std::vector<float> tensor;  // rows.size() x C x H x W
};

struct AppState {
    ModelState model;
    std::deque<PendingFile> pending;  // dropped, not yet decoded
    std::vector<FileRow> rows;        // every file, in drop order
    Batch filling;                    // being filled by the decoder
    bool encoder_busy = false;        // a batch is with ONNX Runtime Web
    int request_id = 0;
    Batch in_flight;
    std::string status;               // one line for the status bar
};

AppState& app();

}  // namespace web
