// From dropped bytes to scores: decode and preprocess in the core a few files per frame, batch them,
// send batches to the encoder one at a time, score the latents in the core.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace web {

// Called once per frame: decodes within a time budget and sends a batch when the encoder is free.
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
