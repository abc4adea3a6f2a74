#include "sha256.h"

#include <openssl/evp.h>

#include <cstdio>

#include "run_files.h"

namespace stratum::train {

std::string sha256_hex(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
    std::string hex;
    char byte[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(byte, sizeof byte, "%02x", digest[i]);
        hex += byte;
    }
    return hex;
}

std::string sha256_file(const std::string& path) { return sha256_hex(read_text_file(path)); }

}  // namespace stratum::train
