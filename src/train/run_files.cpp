#include "run_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "error.h"

namespace stratum::train {

void sync_to_disk(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error("cannot open " + path + " to sync it: " + std::strerror(errno));
    const int status = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    // Some file systems cannot sync a folder (EINVAL); the data itself was synced before.
    if (status != 0 && error != EINVAL) throw Error("cannot sync " + path + " to disk: " + std::strerror(error));
}

void sync_folder_of(const std::string& path) {
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    sync_to_disk(folder.empty() ? "." : folder.string());
}

void replace_file(const std::string& from, const std::string& to) {
    std::error_code ec;
    std::filesystem::rename(from, to, ec);
    if (ec) throw Error("cannot rename " + from + " to " + to + ": " + ec.message());
}

void write_file_synced(const std::string& path, const std::string& content) {
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) {
            out.close();
            std::remove(path.c_str());
            throw Error("cannot write " + path + " (disk full or not writable?)");
        }
    }
    sync_to_disk(path);
}

void write_file_atomic(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp";
    write_file_synced(tmp, content);
    replace_file(tmp, path);
    sync_folder_of(path);
}

std::string read_text_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_training_set(const std::string& path, const TrainingSelection& sel) {
    std::string text;
    for (const ImageSource& s : sel.normal) text += s.location + "\t" + s.label + "\tnormal\n";
    for (const ImageSource& s : sel.contamination) text += s.location + "\t" + s.label + "\tcontamination\n";
    write_file_atomic(path, text);
}

TrainingSelection read_training_set(const std::string& path) { return parse_training_set(read_text_file(path), path); }

TrainingSelection parse_training_set(const std::string& text, const std::string& path) {
    std::istringstream in(text);
    TrainingSelection sel;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::size_t a = line.find('\t'), b = line.rfind('\t');
        if (a == std::string::npos || a == b) throw Error(path + ":" + std::to_string(number) + ": malformed line");
        ImageSource s{line.substr(0, a), line.substr(a + 1, b - a - 1)};
        const std::string role = line.substr(b + 1);
        if (role == "normal") sel.normal.push_back(s);
        else if (role == "contamination") sel.contamination.push_back(s);
        else throw Error(path + ":" + std::to_string(number) + ": unknown role \"" + role + "\"");
    }
    return sel;
}

std::size_t trim_log(const std::string& path, std::int64_t images) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return 0;
    std::istringstream in(read_text_file(path));
    std::string line, kept;
    std::size_t dropped = 0;
    while (std::getline(in, line)) {
        const nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
        const bool whole = entry.is_object() && entry.contains("images") && entry["images"].is_number_integer();
        if (whole && entry["images"].get<std::int64_t>() <= images) kept += line + "\n";
        else ++dropped;
    }
    if (dropped > 0) write_file_atomic(path, kept);
    return dropped;
}

WindowChoice read_run_window(const RunFiles& run) {
    WindowChoice choice;
    if (!std::filesystem::exists(run.intensity_window())) return choice;
    try {
        const nlohmann::json j = nlohmann::json::parse(read_text_file(run.intensity_window()));
        choice.window.lo = j.at("lo").get<double>();
        choice.window.hi = j.at("hi").get<double>();
        choice.window.depth = parse_window_units(j.at("units").get<std::string>());
        choice.source = j.at("source").get<std::string>();
        if (!(choice.window.lo < choice.window.hi)) throw Error("lo must be below hi");
    } catch (const std::exception& e) {
        throw Error(run.intensity_window() + ": " + e.what() + " (delete the file to choose the window again)");
    }
    return choice;
}

void write_run_window(const RunFiles& run, const IntensityWindow& window, const std::string& source) {
    const nlohmann::json j = {{"lo", window.lo}, {"hi", window.hi}, {"units", window_units(window.depth)}, {"source", source}};
    write_file_atomic(run.intensity_window(), j.dump(2) + "\n");
}

}  // namespace stratum::train
