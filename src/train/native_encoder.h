// The encoder run natively with libtorch, loaded from a run folder or from an exported .onnx and its
// card (the graph's weights go into the same libtorch modules, so the page and the command line
// score with one weights file; a graph with extra scores brings G and D's trunk along). Torch-free header.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model_card.h"

namespace stratum::train {

class NativeEncoder {
public:
    // MODEL: a run folder (its checkpoint, with the card its export wrote) or a .onnx file whose card
    // (same name, .json) sits beside it. Throws stratum::Error with the reason.
    static std::unique_ptr<NativeEncoder> open(const std::string& model, const std::string& device, int threads);
    virtual ~NativeEncoder() = default;
    virtual const ModelCard& card() const = 0;
    // n images, CHW floats in [-1, 1] as the card's input says, one after another -> n latents and,
    // when asked, each image's extra scores (card().extra_scores, the generator and critic's trunk
    // loaded from the same graph). Safe to call from several threads at once.
    struct Encoded {
        std::vector<float> latents;  // n x card().latent_size
        std::vector<double> extras;  // n x extra_outputs_width(card()), image after image (empty unless asked)
        // With maps only: G(E(x)), n x C x H x W in [-1, 1]; and per card map (card().maps, in order) its
        // raw residuals, n x height x width.
        std::vector<float> reconstructed;
        std::vector<std::vector<float>> maps;
    };
    // with_maps needs a card with maps (throws stratum::Error otherwise) and implies with_extras.
    virtual Encoded encode(const float* images, int n, bool with_extras, bool with_maps = false) = 0;
    // Every map these networks can make (map_heads.h, candidate_maps: pixels and the critic's features at
    // each resolution), raw, for the localisation study: per map its name, output and size in a MapSpec
    // (uncalibrated), and n x height x width values. Needs a graph with G and D (extra scores).
    struct CandidateMaps {
        std::vector<MapSpec> specs;
        std::vector<std::vector<float>> raw;
    };
    virtual CandidateMaps candidate_maps(const float* images, int n) = 0;
    virtual bool on_gpu() const = 0;
    virtual void set_threads(int threads) = 0;  // torch's threads per encode call
};

// The card that belongs to a .onnx file: the same path with .json.
std::string card_path_for(const std::string& onnx_path);

}  // namespace stratum::train
