// The files of a run folder, and small helpers to write them safely. Torch-free.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"

namespace stratum::train {

struct RunFiles {
    std::string dir;
    std::string config() const { return dir + "/config.json"; }
    std::string checkpoint() const { return dir + "/checkpoint.pt"; }
    // "SHA-256  checkpoint.pt", as sha256sum writes it: `sha256sum -c checkpoint.sha256` checks the file.
    std::string checkpoint_sum() const { return dir + "/checkpoint.sha256"; }
    std::string log() const { return dir + "/log.jsonl"; }
    std::string training_set() const { return dir + "/training_set.tsv"; }
    std::string skipped() const { return dir + "/skipped.txt"; }
    std::string samples() const { return dir + "/samples"; }
    std::string export_dir() const { return dir + "/export"; }
    // The intensity window the trainer chose from the training images (or was given).
    std::string intensity_window() const { return dir + "/intensity_window.json"; }
};

// Writes to PATH.tmp, syncs it to disk, then renames over PATH: a reader sees the old or the new
// file, whole, even after a crash or a power cut.
void write_file_atomic(const std::string& path, const std::string& content);
// The pieces: write and fsync one file (removed again when the disk is full); fsync a file or folder;
// rename with a clear error.
void write_file_synced(const std::string& path, const std::string& content);
void sync_to_disk(const std::string& path);
void sync_folder_of(const std::string& path);  // the folder holding PATH: makes a rename in it durable
void replace_file(const std::string& from, const std::string& to);
std::string read_text_file(const std::string& path);

// Before a resume: log.jsonl keeps the lines up to IMAGES (the checkpoint's position), so that the
// steps redone after a kill are not logged twice, and loses a line a kill cut short. Returns how
// many lines were dropped.
std::size_t trim_log(const std::string& path, std::int64_t images);

// training_set.tsv: one line per image, "location<TAB>class<TAB>normal|contamination".
void write_training_set(const std::string& path, const TrainingSelection& selection);
TrainingSelection read_training_set(const std::string& path);
// The same from the file's text; `name` for messages.
TrainingSelection parse_training_set(const std::string& text, const std::string& name);

// The run's intensity window: what the trainer recorded, or, for runs made before 16-bit input,
// 0-255 (8-bit). Throws stratum::Error naming the file when it is unreadable.
WindowChoice read_run_window(const RunFiles& run);
void write_run_window(const RunFiles& run, const IntensityWindow& window, const std::string& source);

}  // namespace stratum::train
