// `stratum train`: trains G, D and E together on a folder of images (arXiv 1905.11034), or resumes a
// run; flags become a TrainConfig (config.h) over the chosen preset.
#include <memory>

#include "command.h"
#include "config.h"
#include "error.h"
#include "intensity.h"
#include "local_ranks.h"
#include "train.h"

namespace stratum::cli {
namespace {

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
    int local_ranks = 0, rank_timeout = 120;
    long long limit = 0;
    unsigned long long seed = 1;
    std::string device = "auto";
    bool progressive = false, no_progressive = false;
};

CLI::App* add_train_options(CLI::App& app, TrainArgs& a) {
    CLI::App* t = app.add_subcommand("train", "Train G, D and E together on a folder of images (arXiv 1905.11034).");
    t->footer(
        "Examples:\n"
        "  stratum train --data data/cifar10/train --normal airplane --contaminate-with cat --contamination 0.1 \\\n"
        "                --out runs/airplane-c10 --images 200k\n"
        "  stratum train --data /usr/share/datasets/fashion-mnist --normal sneaker --size 32 --channels 1 --out runs/f\n"
        "  stratum train --resume runs/airplane-c10\n"
        "Data: a folder whose first-level subfolders name the classes (CIFAR-10 and PBC as they extract), or a\n"
        "folder of Fashion-MNIST idx files. The run folder gets config.json, training_set.tsv (every image used,\n"
        "with its role), log.jsonl, samples/*.png and checkpoint.pt. Ctrl+C writes a checkpoint and stops.\n"
        "Several processes (docs/DISTRIBUTED.md): --local-ranks N starts N ranks on this machine; under torchrun\n"
        "(RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT set) stratum train is one rank of several:\n"
        "  torchrun --nnodes 2 --node_rank 0 --nproc_per_node 1 --master_addr HOST0 --master_port 29500 --no_python \\\n"
        "           stratum train --data DATA --out runs/r --batch 64\n"
        "Every rank takes batch / ranks rows of each batch (a multiple of 4 each: the critic's minibatch-stddev\n"
        "groups), gradients are averaged over the ranks (Gloo; NCCL on GPUs), rank 0 alone writes the run folder.");
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
    t->add_option("--local-ranks", a.local_ranks,
                  "Train with N processes on this machine, data-parallel (as torchrun would start them; the batch is "
                  "split between them and stays the run's batch); output lines are prefixed [rank R]")
        ->check(CLI::Range(1, 256));
    t->add_option("--rank-timeout", a.rank_timeout,
                  "With several ranks: seconds a rank waits for the others (to join, or in a step) before it stops "
                  "naming the one that does not answer; a rank that exits or is killed is noticed at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 86400));
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
    return t;
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
    c.rank_timeout = a.rank_timeout;
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

Command add_train_command(CLI::App& app) {
    auto args = std::make_shared<TrainArgs>();
    CLI::App* t = add_train_options(app, *args);
    return {t, [args]() {
                const TrainArgs& a = *args;
                if (a.resume.empty() == a.out.empty()) throw Error("give either --out RUN (a new run) or --resume RUN");
                if (a.local_ranks > 1) {
                    if (a.resume.empty()) {  // refused here, before any rank starts
                        train::validate(config_from(a));
                        train::check_batch_split(config_from(a), a.local_ranks);
                    }
                    return run_local_ranks(a.local_ranks, a.rank_timeout + 30);
                }
                if (!a.resume.empty()) {
                    train::TrainConfig c;
                    c.threads = a.threads;
                    c.device = a.device;
                    c.rank_timeout = a.rank_timeout;
                    train::train(c, a.resume, true);
                } else {
                    train::train(config_from(a), a.out, false);
                }
                return 0;
            }};
}

// Where a command computes: every torch-backed command takes the same two options.
void add_compute_options(CLI::App* command, int& threads, std::string& device) {
    command->add_option("--threads", threads, "CPU threads (0 = all cores)")->capture_default_str();
    command->add_option("--device", device, "auto, cpu or cuda")->capture_default_str()->check(CLI::IsMember({"auto", "cpu", "cuda"}));
}

}  // namespace stratum::cli
