// The files of a run folder, and small helpers to write them safely. Torch-free.
#pragma once
#include <string>
#include <vector>

#include "dataset.h"

namespace stratum::train {

struct RunFiles {
    std::string dir;
    std::string config() const { return dir + "/config.json"; }
    std::string checkpoint() const { return dir + "/checkpoint.pt"; }
    std::string log() const { return dir + "/log.jsonl"; }
    std::string training_set() const { return dir + "/training_set.tsv"; }
    std::string skipped() const { return dir + "/skipped.txt"; }
    std::string samples() const { return dir + "/samples"; }
    std::string export_dir() const { return dir + "/export"; }
};

// Writes to PATH.tmp, flushes, then renames over PATH: a reader sees the old or the new file, whole.
void write_file_atomic(const std::string& path, const std::string& content);
std::string read_text_file(const std::string& path);

// training_set.tsv: one line per image, "location<TAB>class<TAB>normal|contamination".
void write_training_set(const std::string& path, const TrainingSelection& selection);
TrainingSelection read_training_set(const std::string& path);

}  // namespace stratum::train
