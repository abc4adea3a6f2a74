// SHA-256 of bytes and files (OpenSSL), as the model card records the graph it describes.
#pragma once
#include <string>

namespace stratum::train {

std::string sha256_hex(const std::string& bytes);
std::string sha256_file(const std::string& path);  // throws stratum::Error when unreadable

}  // namespace stratum::train
