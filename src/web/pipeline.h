// From dropped bytes to scores: decode and preprocess in the core a few files per frame, batch them,
// send batches to the encoder one at a time, score the latents in the core.
#pragma once

namespace web {

// Called once per frame: decodes within a time budget and sends a batch when the encoder is free.
void pump_pipeline();

}  // namespace web
