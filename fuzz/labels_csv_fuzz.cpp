// libFuzzer target: any text as the CSV of labels the page accepts (file,label).
#include <cstdint>
#include <string>

#include "csv.h"
#include "error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        stratum::parse_label_csv(text);
    } catch (const stratum::Error&) {
    }
    return 0;
}
