// The page's rows from file to score, on the C++ side. web/pipeline.js owns the queue: it registers
// each file (add_file), has a Web Worker decode it with the core (src/web/decode_module.cpp), keeps
// the decoded tensors, sends them to ONNX Runtime Web in batches, and hands back only what the rows
// need: each page's thumbnail and note (add_page), the batch's rows (batch_sent) and the encoder's
// outputs (batch_done), which the core scores here. App logic: no emscripten, ImGui or GL (tests/web).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace web {

// Images per encoder call. Every batch is this full (zeros after the last file): ONNX Runtime picks
// its kernels by shape, and a file's score must not depend on how many others shared its batch.
constexpr int kBatchSize = 32;

// A file the page will decode (drop, picker or demo): `path` as shown (the dropped folder's name
// first), `relative` the path below the dropped or picked folder, from which the label comes
// (stratum::label_for_path, as the CLI labels a folder's files). `key` identifies the file (its path
// and size): a file already in the table is not added again (returns -1; the status bar counts them),
// unless it failed or was cancelled: then its row waits for it again (and is returned).
// `now_ms` starts the progress clock. Returns its row.
int add_file(const std::string& path, const std::string& relative, const std::string& key, double now_ms);

// Page `index` of `count` that a worker decoded from the file registered as `row` in `generation`:
// `values` the length of its tensor, a kThumbnail^2 RGBA thumbnail (copied; ignored when of another
// size) and its note (stratum::image_note). Page 0 fills `row` (named "FILE [page 1/N]" in a stack);
// later pages get rows of their own. Returns the row whose tensor web/pipeline.js now holds for the
// encoder, or -1 when it should drop it: a stale generation, a row no longer waiting, or a tensor
// made for another model input (that row then fails, saying so).
// `input_range`: the window the page was read through (input_spec_json's window_text when its decode
// began; "" takes the window now).
int add_page(int row, int generation, int index, int count, std::size_t values, const std::uint8_t* thumbnail,
             std::size_t thumbnail_size, const std::string& note, const std::string& input_range = "");
// Decoding stopped part-way through the file registered as `row` (after some pages): a row that says so.
void add_failure(int row, int generation, const std::string& message);
// The file registered as `row` gave no page: its row fails with `message`.
void decode_failed(int row, int generation, const std::string& message);

// web/pipeline.js sends these rows' tensors, in this order, as one batch: rows still waiting become
// Scoring. Returns the batch's ticket for batch_done / batch_failed.
int batch_sent(const std::vector<int>& rows);
// The encoder's answer for `ticket` (ignored when the batch was cleared meanwhile): latents n x dims,
// then every extra output the card reads, output after output in card order, each n x its width
// (ExtraScore::output_width): `extras_size` floats in all. n must cover the batch's rows.
void batch_done(int ticket, const float* latents, int n, int dims, const float* extras, std::size_t extras_size);
void batch_failed(int ticket, const std::string& message);

int generation();
// Files registered and not yet scored, failed or cancelled.
bool pipeline_busy();
// Marks every row not yet with the encoder cancelled and bumps the generation; the batch with the
// encoder finishes and is shown.
void cancel_pipeline();
// Forgets every row; an answer still on its way is ignored. Bumps clears() (web/pipeline.js then
// forgets its files too).
void clear_rows();
int clears();
// Attaches labels to rows by full path or file name (stratum::assign_labels, the CLI's rule).
void apply_labels(const std::vector<std::pair<std::string, std::string>>& labels);
// A labels CSV (file,label). Returns "" or the reason it was refused (also the status bar's notice).
std::string load_labels(const std::string& csv_text);

// What the workers decode for: {"channels","height","width","fit","batch","window_text","window":{"lo","hi","depth"}}
// of the model in use (fit 0 centre crop, 1 stretch; depth 0 8-bit, 1 16-bit, 2 as stored), or ""
// before one is ready.
std::string input_spec_json();
// {"rows","finished","busy"}: cheap enough to poll every frame (the benchmarks do).
std::string progress_json();
// Every row and the model's state as JSON, for the end-to-end tests.
std::string results_json();

}  // namespace web
