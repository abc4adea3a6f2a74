// `stratum export RUN`: the run's encoder as ONNX (opset 17) with its model card (export.h).
#include <iostream>
#include <memory>

#include "command.h"
#include "export.h"
#include "option_checks.h"

namespace stratum::cli {

Command add_export_command(CLI::App& app) {
    auto o = std::make_shared<train::ExportOptions>();
    CLI::App* ex = app.add_subcommand("export", "Write a run's encoder as ONNX (opset 17) with its model card.");
    ex->footer("The graph takes images and returns the latent z = E(x) and, unless --encoder-only, what three more\n"
               "scores need: feature (distance of the critic's features of x and of its reconstruction G_ema(E(x))),\n"
               "reconstruction (mean absolute pixel error of G_ema(E(x))) and colour (the critic's first-layer colour\n"
               "features, whose distance to the 5 nearest of up to 2000 training images the card's bank gives).\n"
               "The card holds each score's calibration (quantiles, median and MAD over the training set), the\n"
               "default score and threshold, a PCA basis with a sample of projected training points, and provenance.");
    ex->add_option("run", o->run_dir, "Run folder")->required();
    ex->add_option("--out", o->out_dir, "Output folder (default RUN/export)");
    ex->add_option("--name", o->name, "Model name in the card (default: the run folder's name)");
    ex->add_option("--direction", o->direction, "Which norms are anomalous: higher, lower, two_sided")
        ->capture_default_str()
        ->check(CLI::IsMember({"higher", "lower", "two_sided"}));
    ex->add_flag("--encoder-only", o->encoder_only, "Export E alone: the latent norm is the only score");
    ex->add_option("--default-score", o->default_score,
                   "The score that drives the verdict by default: colour (blood cells: docs/RESULTS.md), "
                   "encoder_gaussian (natural images), feature, reconstruction or norm")
        ->capture_default_str()
        ->check(CLI::IsMember(train::exportable_score_names()));
    ex->add_option("--quantile", o->threshold_quantile, "Default threshold: this training quantile")
        ->capture_default_str()
        ->check(between(0, 1));
    ex->add_option("--sample", o->projection_sample, "Training points kept for the page's plot")
        ->capture_default_str();
    add_compute_options(ex, o->threads, o->device);

    return {ex, [o]() {
                const train::ExportResult r = train::export_run(*o);
                std::cout << "wrote " << r.onnx_path << " and " << r.card_path << " (calibrated on " << r.training_images
                          << " training images)\n";
                return 0;
            }};
}

}  // namespace stratum::cli
