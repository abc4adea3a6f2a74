// `stratum eval RUN --data TEST`: every score of a trained run measured on a held-out split (evaluate.h).
#include <cstdio>
#include <memory>

#include "command.h"
#include "evaluate.h"
#include "run_files.h"

namespace stratum::cli {

Command add_eval_command(CLI::App& app) {
    auto o = std::make_shared<train::EvalOptions>();
    auto out = std::make_shared<std::string>();
    CLI::App* ev = app.add_subcommand("eval", "Measure every score of a trained run on a held-out test split.");
    ev->footer("Scores, each as AUROC (larger score = anomalous) with histograms for normal and anomalous images:\n"
               "  norm ||E(x)||, norm_deviation |norm - median| / MAD (training set), reconstruction mean|x - G_ema(E(x))|,\n"
               "  feature (D's 4x4 features of x against the reconstruction), combined 0.9 feature + 0.1 reconstruction,\n"
               "  colour (5-nn distance in the critic's first-layer colour features, the default score), feature_max\n"
               "  (the largest 4x4 position of feature), critic_gaussian / critic_knn / encoder_gaussian (distances in\n"
               "  pooled multi-resolution features), the yardsticks untrained_colour (colour with the critic as\n"
               "  training started) and pixel_colour, and the non-deep baselines pca_pixels and brightness; for runs\n"
               "  trained with --rotation-loss also rotation (the critic's cross-entropy over the 4 quarter turns);\n"
               "  plus the Spearman correlation of the norm with brightness within normal test images.");
    ev->add_option("run", o->run_dir, "Run folder")->required();
    ev->add_option("--data", o->test_path, "Test folder (class subfolders) or idx folder")->required();
    ev->add_option("--split", o->split, "For idx folders: t10k or train")->capture_default_str();
    ev->add_option("--normal", o->normal, "Normal classes (default: the run's)")->delimiter(',');
    ev->add_option("--anomalous", o->anomalous, "Anomalous classes (default: every other)")->delimiter(',');
    ev->add_option("--max-per-class", o->max_per_class, "Test images per class at most (0 = all)");
    ev->add_option("--bins", o->histogram_bins, "Histogram bins")->capture_default_str();
    ev->add_option("--out", *out, "Write the results as JSON here (default: print a summary only)");
    ev->add_flag("--feature-probe", o->feature_probe,
                 "Also print the AUROC of a Gaussian and of a 5-nn distance in every feature set (each critic and\n"
                 "encoder resolution, pooled; the latent; pixel colour statistics), and of the colour score with its\n"
                 "bank trimmed of its most isolated points: the recipe search's lever tables");
    add_compute_options(ev, o->threads, o->device);

    return {ev, [o, out]() {
                const train::EvalResult r = train::evaluate_run(*o);
                std::printf("%lld images seen; %zu normal and %zu anomalous test images\n",
                            static_cast<long long>(r.images_seen), r.normal_count, r.anomalous_count);
                for (const train::ScoreResult& s : r.scores)
                    std::printf("  %-15s AUROC %.4f   %s\n", s.name.c_str(), s.auroc, s.description.c_str());
                std::printf("  Spearman(norm, brightness) within normal images: %+.3f\n", r.spearman_norm_brightness_normal);
                if (!out->empty()) train::write_file_atomic(*out, train::eval_to_json(*o, r));
                return 0;
            }};
}

}  // namespace stratum::cli
