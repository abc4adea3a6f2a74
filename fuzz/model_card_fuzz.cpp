// libFuzzer target: any text as a model card. Refusal is a stratum::Error; an accepted card must
// survive a write and read-back unchanged in what the page relies on.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "error.h"
#include "model_card.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const stratum::ModelCard card = stratum::parse_model_card(text);
        const stratum::ModelCard again = stratum::parse_model_card(stratum::write_model_card(card));
        if (again.name != card.name || again.latent_size != card.latent_size || again.input.width != card.input.width ||
            again.input.height != card.input.height || again.input.channels != card.input.channels)
            std::abort();
    } catch (const stratum::Error&) {
    }
    return 0;
}
