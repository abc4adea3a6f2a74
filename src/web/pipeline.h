// From decoded files to scores: web/app.js has Web Workers decode each file with the core
// (decode_module.cpp), off the page's main loop; here the results are batched, sent to the encoder one
// batch at a time, and the latents scored in the core.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace web {

// Called once per frame: sends a batch when the encoder is free and one is ready.
void pump_pipeline();
bool pipeline_busy();
// Drops every file not yet sent to the encoder (marked cancelled); the batch in flight finishes.
void cancel_pipeline();
// Forgets every row (and its thumbnail texture).
void clear_rows();
// Attaches labels to rows by full path or file name.
void apply_labels(const std::vector<std::pair<std::string, std::string>>& labels);
// Deletes the GL textures of the thumbnails (defined with the table panel).
void release_thumbnails();

}  // namespace web
