#include "run_files.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "error.h"

namespace stratum::train {

void write_file_atomic(const std::string& path, const std::string& content) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(content.data(), static_cast<std::streamsize>(content.size()));
        out.flush();
        if (!out) throw Error("cannot write " + tmp + " (disk full or not writable?)");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw Error("cannot rename " + tmp + " to " + path + ": " + ec.message());
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

TrainingSelection read_training_set(const std::string& path) {
    std::istringstream in(read_text_file(path));
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

}  // namespace stratum::train
