// `stratum`: train, export and score (README, "Training and scoring from the command line"). A thin front-end: every number comes from the
// core (src/core) or the trainer library (src/train).
#include <CLI/CLI.hpp>

#include <iostream>

#include "config.h"
#include "error.h"
#include "evaluate.h"
#include "intensity.h"
#include "export.h"
#include "report.h"
#include "run_files.h"
#include "score_command.h"
#include "split_command.h"
#include "study.h"
#include "train.h"

#ifndef STRATUM_BUILD_COMMIT
#define STRATUM_BUILD_COMMIT "unknown"
#endif

namespace {

using namespace stratum;

// "500000", "500k", "12M", "1.2M" -> a count of images.
std::int64_t parse_count(const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        throw Error("\"" + text + "\" is not a number of images");
    }
    const std::string suffix = text.substr(used);
    if (suffix == "k" || suffix == "K") value *= 1e3;
    else if (suffix == "M" || suffix == "m") value *= 1e6;
    else if (!suffix.empty()) throw Error("\"" + text + "\": unknown suffix (use k or M)");
    if (!(value > 0) || value > 1e12) throw Error("\"" + text + "\" is out of range");
    return static_cast<std::int64_t>(value + 0.5);
}

struct TrainArgs {
    std::string data, out, resume, preset = "quick", images, fade, stable, split = "train";
    std::string checkpoint_every, sample_every, log_every, augment, encoder_images;
    std::string encoder_feature_weight, rotation_loss, input_range;
    std::vector<std::string> normal, contaminate_with;
    double contamination = 0, learning_rate = 0;
    int size = 32, channels = 3, batch = -1, threads = 0, fmap_base = 0, fmap_max = 0, latent = 0;
    long long limit = 0;
    unsigned long long seed = 1;
    std::string device = "auto";
    bool progressive = false, no_progressive = false;
};

// Where a command computes: every torch-backed command takes the same two options.
void add_compute_options(CLI::App* command, int& threads, std::string& device) {
    command->add_option("--threads", threads, "CPU threads (0 = all cores)")->capture_default_str();
    command->add_option("--device", device, "auto, cpu or cuda")->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
}

void add_train(CLI::App& app, TrainArgs& a) {
    CLI::App* t = app.add_subcommand("train", "Train G, D and E together on a folder of images (arXiv 1905.11034).");
    t->footer(
        "Examples:\n"
        "  stratum train --data data/cifar10/train --normal airplane --contaminate-with cat --contamination 0.1 \\\n"
        "                --out runs/airplane-c10 --images 200k\n"
        "  stratum train --data /usr/share/datasets/fashion-mnist --normal sneaker --size 32 --channels 1 --out runs/f\n"
        "  stratum train --resume runs/airplane-c10\n"
        "Data: a folder whose first-level subfolders name the classes (CIFAR-10 and PBC as they extract), or a\n"
        "folder of Fashion-MNIST idx files. The run folder gets config.json, training_set.tsv (every image used,\n"
        "with its role), log.jsonl, samples/*.png and checkpoint.pt. Ctrl+C writes a checkpoint and stops.");
    t->add_option("--data", a.data, "Folder of images (class subfolders) or of idx files");
    t->add_option("--out", a.out, "Run folder to create");
    t->add_option("--resume", a.resume, "Continue the run in this folder on its own schedule");
    t->add_option("--preset", a.preset,
                  "quick (the default recipe: 32/32/16/8 channels, latent 64, 60k images, about 5 minutes on 2 cores),\n"
                  "small (64/64/32/16 channels, latent 128, 500k images) or paper (fmap 8192/512, latent 512, progressive)")
        ->capture_default_str()
        ->check(CLI::IsMember({"quick", "small", "paper"}));
    t->add_option("--size", a.size, "Image size the networks work at (power of two)")->capture_default_str();
    t->add_option("--channels", a.channels, "1 (gray) or 3 (RGB)")->capture_default_str()->check(CLI::IsMember({1, 3}));
    t->add_option("--normal", a.normal, "Normal classes (comma-separated); default every class")->delimiter(',');
    t->add_option("--contaminate-with", a.contaminate_with, "Anomaly classes mixed into training")->delimiter(',');
    t->add_option("--contamination", a.contamination, "Anomaly share P of the final training set, in [0, 1)")
        ->capture_default_str();
    t->add_option("--limit", a.limit, "Use at most this many normal images (0 = all)");
    t->add_option("--split", a.split, "For idx folders: train or t10k")->capture_default_str();
    t->add_option("--input-range", a.input_range,
                  "Intensity window LO:HI in the files' sample values (e.g. 0:4095 for 12-bit data in 16-bit files): "
                  "LO maps to -1, HI to 1. Default: 0:255 for 8-bit images; for 16-bit or float images the range the "
                  "files state (TIFF SMin/SMaxSampleValue, PNG sBIT), else the smallest and largest sample of the "
                  "training set. Recorded in the model card; stratum score and the page apply it");
    t->add_option("--seed", a.seed, "Random seed (data selection, weights, batches)")->capture_default_str();
    t->add_option("--images", a.images, "Length of the run in images shown to the critic (e.g. 500k, 12M)");
    t->add_option("--batch", a.batch, "Batch size (default by preset and resolution)");
    add_compute_options(t, a.threads, a.device);
    t->add_flag("--progressive", a.progressive, "Grow from 4x4 with fade-in phases");
    t->add_flag("--no-progressive", a.no_progressive, "Train at the final size from the start");
    t->add_option("--fade-images", a.fade, "Images per fade-in phase when progressive");
    t->add_option("--stable-images", a.stable, "Images per stable phase when progressive");
    t->add_option("--fmap-base", a.fmap_base, "Width: channels at resolution r are min(fmap_base / 2^s, fmap_max)");
    t->add_option("--fmap-max", a.fmap_max, "Width cap");
    t->add_option("--latent", a.latent, "Latent size");
    t->add_option("--lr", a.learning_rate, "Adam learning rate (default 0.001)");
    t->add_option("--checkpoint-every", a.checkpoint_every, "Images between checkpoints");
    t->add_option("--sample-every", a.sample_every, "Images between sample grids");
    t->add_option("--log-every", a.log_every, "Images between log lines");
    t->add_option("--augment", a.augment,
                  "Real training images as the networks see them: none, or dihedral (random flips and quarter turns, "
                  "for data without a preferred orientation such as cells)")
        ->check(CLI::IsMember({"none", "dihedral"}));
    t->add_option("--encoder-images", a.encoder_images,
                  "After --images, train E alone on the real training images for this many images, G and D frozen "
                  "(f-AnoGAN's izi_f step); 0 = the paper's E only");
    t->add_option("--encoder-feature-weight", a.encoder_feature_weight,
                  "Weight of the critic-feature residual in that encoder phase (default 1)");
    t->add_option("--rotation-loss", a.rotation_loss,
                  "Self-supervised critic (Chen et al. 2019): the critic also predicts the quarter turn of real images, "
                  "with this weight in its loss (1 in their paper); 0 = none (default). Needs --augment none");
}

// A weight given as text (validate() checks its range).
double parse_number(const char* flag, const std::string& text) {
    std::size_t used = 0;
    double value = 0;
    try {
        value = std::stod(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != text.size()) throw Error(std::string(flag) + ": \"" + text + "\" is not a number");
    return value;
}

train::TrainConfig config_from(const TrainArgs& a) {
    train::TrainConfig c = train::preset_config(a.preset);
    c.net.resolution = a.size;
    c.net.channels = a.channels;
    if (a.fmap_base) c.net.fmap_base = a.fmap_base;
    if (a.fmap_max) c.net.fmap_max = a.fmap_max;
    if (a.latent) c.net.latent = a.latent;
    c.data.path = a.data;
    c.data.split = a.split;
    c.data.normal = a.normal;
    c.data.contaminate_with = a.contaminate_with;
    c.data.contamination = a.contamination;
    c.data.limit = a.limit;
    c.seed = a.seed;
    c.threads = a.threads;
    c.device = a.device;
    c.commit = STRATUM_BUILD_COMMIT;
    if (!a.images.empty()) c.schedule.images = parse_count(a.images);
    if (a.batch >= 0) c.schedule.batch = a.batch;
    if (a.progressive) c.schedule.progressive = true;
    if (a.no_progressive) c.schedule.progressive = false;
    if (!a.fade.empty()) c.schedule.fade_images = parse_count(a.fade);
    if (!a.stable.empty()) c.schedule.stable_images = parse_count(a.stable);
    if (a.learning_rate > 0) c.schedule.learning_rate = a.learning_rate;
    if (!a.checkpoint_every.empty()) c.schedule.checkpoint_every = parse_count(a.checkpoint_every);
    if (!a.sample_every.empty()) c.schedule.sample_every = parse_count(a.sample_every);
    if (!a.log_every.empty()) c.schedule.log_every = parse_count(a.log_every);
    if (!a.augment.empty()) c.schedule.augment = a.augment;
    if (!a.encoder_images.empty())
        c.schedule.encoder_images = a.encoder_images.find_first_not_of('0') == std::string::npos  // "0": none
                                        ? 0
                                        : parse_count(a.encoder_images);
    if (!a.encoder_feature_weight.empty())
        c.schedule.encoder_feature_weight = parse_number("--encoder-feature-weight", a.encoder_feature_weight);
    if (!a.rotation_loss.empty()) c.schedule.rotation_weight = parse_number("--rotation-loss", a.rotation_loss);
    if (!a.input_range.empty()) {
        stratum::parse_window(a.input_range, stratum::SampleType::Float32, "--input-range");  // refused here, before any work
        c.data.input_range = a.input_range;
    }
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"stratum: anomaly detection from contaminated image data, after Berg, Ahlberg and Felsberg, "
                 "arXiv 1905.11034.\nThe paper's score of an image is the norm of its latent code, ||E(x)||; exported models\n"
                 "also offer the critic-feature distance and the reconstruction error of G(E(x)) (docs/RESULTS.md)."};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("stratum 0.1.0 (") + STRATUM_BUILD_COMMIT + ")");
    TrainArgs train_args;
    add_train(app, train_args);

    train::ExportOptions export_options;
    CLI::App* ex = app.add_subcommand("export", "Write a run's encoder as ONNX (opset 17) with its model card.");
    ex->footer("The graph takes images and returns the latent z = E(x) and, unless --encoder-only, what three more\n"
               "scores need: feature (distance of the critic's features of x and of its reconstruction G_ema(E(x))),\n"
               "reconstruction (mean absolute pixel error of G_ema(E(x))) and colour (the critic's first-layer colour\n"
               "features, whose distance to the 5 nearest of up to 2000 training images the card's bank gives).\n"
               "The card holds each score's calibration (quantiles, median and MAD over the training set), the\n"
               "default score and threshold, a PCA basis with a sample of projected training points, and provenance.");
    ex->add_option("run", export_options.run_dir, "Run folder")->required();
    ex->add_option("--out", export_options.out_dir, "Output folder (default RUN/export)");
    ex->add_option("--name", export_options.name, "Model name in the card (default: the run folder's name)");
    ex->add_option("--direction", export_options.direction, "Which norms are anomalous: higher, lower, two_sided")
        ->capture_default_str()
        ->check(CLI::IsMember({"higher", "lower", "two_sided"}));
    ex->add_flag("--encoder-only", export_options.encoder_only, "Export E alone: the latent norm is the only score");
    ex->add_option("--default-score", export_options.default_score,
                   "The score that drives the verdict by default: colour (blood cells: docs/RESULTS.md), "
                   "encoder_gaussian (natural images), feature, reconstruction or norm")
        ->capture_default_str()
        ->check(CLI::IsMember(train::exportable_score_names()));
    ex->add_option("--quantile", export_options.threshold_quantile, "Default threshold: this training quantile")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 1.0));
    ex->add_option("--sample", export_options.projection_sample, "Training points kept for the page's plot")
        ->capture_default_str();
    add_compute_options(ex, export_options.threads, export_options.device);

    cli::ScoreOptions score_options;
    CLI::App* sc = app.add_subcommand("score", "Score image files and folders with a trained encoder.");
    sc->footer("MODEL is a run folder (after `stratum export`) or an exported encoder.onnx with its .json card.\n"
               "A file's label: the nearest folder named with a label word (normal/, anomalous/, good/, defect/...),\n"
               "else the first subfolder of the folder given (a class name).\n"
               "Files are recognised by their content (PNG, JPEG, TIFF, BMP, GIF, TGA); every page of a TIFF stack is\n"
               "a row. Images that cannot be read are reported and the exit status is 1; files that are no image\n"
               "are listed with their reason. A note column says how a file was read (alpha composited over white,\n"
               "CMYK converted, orientation applied) and flags images outside or far inside the intensity window.\n"
               "The score column is the chosen score (--score, default: the card's default), calibrated against\n"
               "the training set: larger = more anomalous; verdict compares it with the card's threshold for that\n"
               "score. The raw value of every score the model offers follows in its own column.");
    sc->add_option("model", score_options.model, "Run folder or .onnx")->required();
    sc->add_option("inputs", score_options.inputs, "Image files and folders")->required();
    sc->add_option("--csv", score_options.csv,
                   "Write CSV here (- for stdout): file,norm,score,verdict,label,error, one column per extra score, pc1,pc2, input_range,note, model,score_name,threshold");
    sc->add_option("--score", score_options.score, "Which score drives score and verdict: norm or one the card lists (default: the card's)");
    sc->add_option("--latents", score_options.latents, "Also write every latent as TSV here");
    sc->add_option("--input-range", score_options.input_range,
                   "Intensity window LO:HI in the files' sample values, instead of the card's (e.g. 0:4095 for 12-bit "
                   "data in 16-bit files); the CSV's input_range column records the window used");
    sc->add_option("--batch", score_options.batch, "Images per encoder call on a GPU (on the CPU each image is encoded alone: its score never depends on the other files)")->capture_default_str()->check(CLI::PositiveNumber);
    add_compute_options(sc, score_options.threads, score_options.device);

    train::EvalOptions eval_options;
    std::string eval_out;
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
    ev->add_option("run", eval_options.run_dir, "Run folder")->required();
    ev->add_option("--data", eval_options.test_path, "Test folder (class subfolders) or idx folder")->required();
    ev->add_option("--split", eval_options.split, "For idx folders: t10k or train")->capture_default_str();
    ev->add_option("--normal", eval_options.normal, "Normal classes (default: the run's)")->delimiter(',');
    ev->add_option("--anomalous", eval_options.anomalous, "Anomalous classes (default: every other)")->delimiter(',');
    ev->add_option("--max-per-class", eval_options.max_per_class, "Test images per class at most (0 = all)");
    ev->add_option("--bins", eval_options.histogram_bins, "Histogram bins")->capture_default_str();
    ev->add_option("--out", eval_out, "Write the results as JSON here (default: print a summary only)");
    ev->add_flag("--feature-probe", eval_options.feature_probe,
                 "Also print the AUROC of a Gaussian and of a 5-nn distance in every feature set (each critic and\n"
                 "encoder resolution, pooled; the latent; pixel colour statistics), and of the colour score with its\n"
                 "bank trimmed of its most isolated points: the recipe search's lever tables");
    add_compute_options(ev, eval_options.threads, eval_options.device);

    train::StudyOptions study_options;
    CLI::App* st = app.add_subcommand("study", "Run (or continue) a sweep described by a study spec file.");
    st->footer("Each cell (class x contamination x seed x width) trains a run and evaluates it every eval_every\n"
               "images; finished cells are skipped, a cell in progress continues from its checkpoint.\n"
               "Results: OUT/cells/<cell>/result.json (AUROC curve and final evaluation).");
    st->add_option("spec", study_options.spec_path, "Study spec (JSON), e.g. studies/cifar10-ocn.json")->required();
    st->add_option("--out", study_options.out_dir, "Output folder (default studies/out/<name>)");
    st->add_option("--only", study_options.only, "Run only cells whose id contains this text");
    st->add_flag("--dry-run", study_options.dry_run, "List the cells and their state; run nothing");
    add_compute_options(st, study_options.threads, study_options.device);

    cli::SplitOptions split_options;
    CLI::App* sp = app.add_subcommand("split", "Make a held-out test split of a class-folder data set (as links).");
    sp->add_option("source", split_options.source, "Folder of class subfolders")->required();
    sp->add_option("out", split_options.out, "New folder: OUT/train/<class>, OUT/test/<class>")->required();
    sp->add_option("--test", split_options.test_fraction, "Share of files in the test split")->capture_default_str();

    train::ReportOptions report_options;
    CLI::App* rp = app.add_subcommand("report", "Tables and plots from finished study cells.");
    rp->footer("Writes OUT/tables.md (AUROC per class, width and contamination for every score, mean and sd over\n"
               "seeds) and, with gnuplot installed, PNG plots: AUROC against contamination and along training,\n"
               "norm histograms and ROC curves per cell.");
    rp->add_option("studies", report_options.study_dirs, "Study output folders (studies/out/<name>)")->required();
    rp->add_option("--out", report_options.out_dir, "Output folder")->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; every usage error exits 2, as the other argument errors do.
        const int status = app.exit(e);
        return status == 0 ? 0 : 2;
    }
    try {
        if (app.got_subcommand("train")) {
            const TrainArgs& a = train_args;
            if (a.resume.empty() == a.out.empty())
                throw Error("give either --out RUN (a new run) or --resume RUN");
            if (!a.resume.empty()) {
                train::TrainConfig c;
                c.threads = a.threads;
                c.device = a.device;
                train::train(c, a.resume, true);
            } else {
                train::train(config_from(a), a.out, false);
            }
        } else if (app.got_subcommand("export")) {
            const train::ExportResult r = train::export_run(export_options);
            std::cout << "wrote " << r.onnx_path << " and " << r.card_path << " (calibrated on " << r.training_images
                      << " training images)\n";
        } else if (app.got_subcommand("score")) {
            return cli::run_score(score_options);
        } else if (app.got_subcommand("eval")) {
            const train::EvalResult r = train::evaluate_run(eval_options);
            std::printf("%lld images seen; %zu normal and %zu anomalous test images\n",
                        static_cast<long long>(r.images_seen), r.normal_count, r.anomalous_count);
            for (const train::ScoreResult& s : r.scores)
                std::printf("  %-15s AUROC %.4f   %s\n", s.name.c_str(), s.auroc, s.description.c_str());
            std::printf("  Spearman(norm, brightness) within normal images: %+.3f\n", r.spearman_norm_brightness_normal);
            if (!eval_out.empty()) train::write_file_atomic(eval_out, train::eval_to_json(eval_options, r));
        } else if (app.got_subcommand("report")) {
            std::cout << train::write_report(report_options);
        } else if (app.got_subcommand("split")) {
            return cli::run_split(split_options);
        } else if (app.got_subcommand("study")) {
            study_options.commit = STRATUM_BUILD_COMMIT;
            const int done = train::run_study(study_options);
            std::cerr << "stratum study: " << done << " cells finished\n";
            if (train::stop_requested()) return 130;  // stopped by a signal: not done, run it again
        }
    } catch (const Error& e) {
        std::cerr << "stratum: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
