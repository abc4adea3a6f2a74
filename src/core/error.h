// One exception type for every input the core refuses, so front-ends can show e.what() to the user.
#pragma once
#include <stdexcept>
#include <string>

namespace stratum {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace stratum
