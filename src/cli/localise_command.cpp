// `stratum localise MODEL --normal DIR --other DIR --calibrate DIR|TSV`: what the anomaly maps localise,
// measured with synthetic defects (localise.h; the figures of docs/RESULTS.md, "What the maps localise").
#include <memory>

#include "command.h"
#include "localise.h"

namespace stratum::cli {

Command add_localise_command(CLI::App& app) {
    auto o = std::make_shared<train::LocaliseOptions>();
    CLI::App* lc = app.add_subcommand("localise", "Measure what the anomaly maps localise, with synthetic defects.");
    lc->footer("Pastes a defect into each normal image at the model's input size: a patch (the middle of an image from\n"
               "--other), a dark blob (a disc at 35 % brightness) or a dark scratch (a line one pixel wide), of each\n"
               "--sizes (input pixels at 32 px; scaled with the input), at a random place (--seed). Every map the\n"
               "networks can make (pixel; feature_R ... feature_4: the critic's features at each resolution), calibrated\n"
               "on the --calibrate images as `stratum export` calibrates the card's maps, and a model-free yardstick\n"
               "(pixel_deviation: each pixel's robust z-score against those images at its position) are scored against\n"
               "the defect's mask: pixel_AUROC (every pixel of every defective image, pooled) and hit_rate (the share of\n"
               "images whose map maximum lies on the defect); chance = the defect's share of the image, the hit rate of\n"
               "a maximum placed at random.");
    lc->add_option("model", o->model, "An exported .onnx with its card (or its folder), or a run folder")->required();
    lc->add_option("--normal", o->normal, "Folder of normal images that get the defects (e.g. held-out normal images)")->required();
    lc->add_option("--other", o->other, "Folder of images of another kind: the patches' source")->required();
    lc->add_option("--calibrate", o->calibrate,
                   "The training images the maps are calibrated on: a folder, or a run's training_set.tsv (what export used)")
        ->required();
    lc->add_option("--images", o->images, "Normal images used at most")->capture_default_str()->check(CLI::Range(2, 1000000));
    lc->add_option("--sizes", o->sizes, "Defect sizes, input pixels at 32 px")->delimiter(',')->capture_default_str();
    lc->add_option("--seed", o->seed, "Seed of the defects' places and patches")->capture_default_str();
    lc->add_option("--out", o->out, "Also write every figure as JSON here");
    add_compute_options(lc, o->threads, o->device);
    return {lc, [o]() {
                train::run_localise(*o);
                return 0;
            }};
}

}  // namespace stratum::cli
