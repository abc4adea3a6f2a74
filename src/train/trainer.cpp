// The training loop: data in memory on the device, one critic, generator and encoder step per batch,
// logs, sample grids, checkpoints, a clean stop on SIGINT/SIGTERM, and a hard stop on NaN. With several
// ranks (distributed.h) each trains on its rows of every batch, and rank 0 alone writes the run's files.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "checkpoint.h"
#include "distributed.h"
#include "error.h"
#include "image_write.h"
#include "run_files.h"
#include "train.h"

namespace stratum::train {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop_requested{false};
void request_stop(int) { g_stop_requested = true; }

std::string human_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    const long s = std::lround(seconds);
    char buffer[32];
    if (s >= 3600) std::snprintf(buffer, sizeof buffer, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else std::snprintf(buffer, sizeof buffer, "%ldm%02lds", s / 60, s % 60);
    return buffer;
}

// Images in [-1, 1], [N, C, H, W] -> one PNG grid, `columns` wide, cells at least 64 px (nearest).
void write_grid(const std::string& path, const torch::Tensor& images, int columns) {
    torch::Tensor x = images.detach().to(torch::kCPU).clamp(-1, 1).add(1).mul(127.5).round().to(torch::kUInt8);
    int scale = 1;
    while (x.size(2) * scale < 64) scale *= 2;
    if (scale > 1) x = x.repeat_interleave(scale, 2).repeat_interleave(scale, 3);
    const int n = static_cast<int>(x.size(0)), c = static_cast<int>(x.size(1));
    const int h = static_cast<int>(x.size(2)), w = static_cast<int>(x.size(3));
    const int rows = (n + columns - 1) / columns;
    Image grid;
    grid.width = columns * w;
    grid.height = rows * h;
    grid.channels = c;
    grid.pixels.assign(static_cast<std::size_t>(grid.width) * grid.height * c, 0);
    x = x.permute({0, 2, 3, 1}).contiguous();  // NHWC
    const std::uint8_t* p = x.data_ptr<std::uint8_t>();
    for (int i = 0; i < n; ++i)
        for (int y = 0; y < h; ++y) {
            const std::uint8_t* src = p + (static_cast<std::size_t>(i) * h + y) * w * c;
            std::uint8_t* dst = grid.pixels.data() +
                                ((static_cast<std::size_t>(i / columns) * h + y) * grid.width + (i % columns) * w) * c;
            std::copy(src, src + static_cast<std::size_t>(w) * c, dst);
        }
    const std::vector<std::uint8_t> png = encode_png(grid);
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(png.data()), static_cast<std::streamsize>(png.size()));
    out.flush();
    if (!out) throw Error("cannot write " + path + " (disk full or not writable?)");
}

struct Averages {
    Losses sum;
    int steps = 0;
    void add(const Losses& l) {
        sum.d += l.d;
        sum.gp += l.gp;
        sum.g += l.g;
        sum.e += l.e;
        ++steps;
    }
    Losses mean() const {
        Losses m = sum;
        const double n = steps > 0 ? steps : 1;
        m.d /= n, m.gp /= n, m.g /= n, m.e /= n;
        return m;
    }
};

class Trainer {
public:
    // `dist`: the run's ranks, or null for one process.
    Trainer(const TrainConfig& config, const std::string& dir, bool resume, std::int64_t stop_at, Distributed* dist,
            const torch::Device& device);
    void run();

private:
    void load_data();
    torch::Tensor next_batch(std::int64_t n);
    void write_samples(const Phase& phase);
    void log_line(const Phase& phase, const Losses& mean, double images_per_second);
    void show_progress(const Phase& phase, const Losses& last, double images_per_second, bool final_line);
    void checkpoint(int phase_index);
    bool root() const { return !dist_ || dist_->is_root(); }  // the rank that writes files and talks
    // Where the networks and optimisers start: the checkpoint (a resume, or every rank of a new run,
    // which gets rank 0's first one so that all start the same). Returns the phase index.
    int restore();
    // The losses averaged over the ranks, and whether any rank was asked to stop.
    void combine_over_ranks(Losses& losses);
    // A log line or a sample that cannot be written (a full disk) stops the run with the way back.
    template <typename Write>
    void keep_going_or_stop(Write write) {
        try {
            write();
        } catch (const Error& e) {
            if (tty_) std::cerr << "\n";
            throw Error(std::string(e.what()) + "; the last checkpoint (" + files_.checkpoint() +
                        ") is whole: free space, then continue with stratum train --resume " + files_.dir);
        }
    }

    TrainConfig config_;
    RunFiles files_;
    bool resume_;
    std::int64_t stop_at_;
    Distributed* dist_;
    DataParallel parallel_;
    torch::Device device_;
    torch::Tensor data_;  // uint8 [N, C, H, W] on the device
    torch::Tensor order_;
    std::int64_t cursor_ = 0;
    Models models_;
    std::unique_ptr<Optimizers> optimizers_;
    torch::Tensor z_fixed_;
    std::int64_t images_ = 0;
    bool tty_ = isatty(STDERR_FILENO);
};

Trainer::Trainer(const TrainConfig& config, const std::string& dir, bool resume, std::int64_t stop_at, Distributed* dist,
                 const torch::Device& device)
    : config_(config), files_{dir}, resume_(resume), stop_at_(stop_at), dist_(dist), device_(device), models_(config.net) {
    if (dist_) {
        parallel_.world_size = dist_->world_size();
        parallel_.rank = dist_->rank();
        parallel_.average = [this](std::vector<torch::Tensor>& gradients) { dist_->average(gradients); };
    }
}

void Trainer::load_data() {
    TrainingSelection selection;
    WindowChoice window;
    if (root()) {
        if (resume_ && fs::exists(files_.training_set())) {
            selection = read_training_set(files_.training_set());
        } else {
            const SourceListing listing = list_sources(config_.data.path, config_.data.split);
            warn_listing_problems(listing, "train");
            selection = select_training_set(listing, config_.data, config_.seed);
            write_training_set(files_.training_set(), selection);
        }
        // The window: the one this run recorded (a resume), the user's --input-range, or the one the
        // training images imply (choose_window).
        if (resume_ && fs::exists(files_.intensity_window())) {
            window = read_run_window(files_);
        } else if (!config_.data.input_range.empty()) {
            window.window = parse_window(config_.data.input_range, SampleType::Float32, "--input-range");
            window.source = "given (--input-range " + config_.data.input_range + ")";
        } else {
            window.choose = true;
        }
    }
    if (dist_) {
        // Rank 0's choices, so that every rank reads the same images with the same window (only rank 0
        // needs the run folder; every rank needs the data folder, at the same path).
        const std::string tsv = dist_->share("training set", root() ? read_text_file(files_.training_set()) : "");
        if (!root()) selection = parse_training_set(tsv, "rank 0's " + files_.training_set());
        const nlohmann::json w = nlohmann::json::parse(dist_->share(
            "intensity window", root() ? nlohmann::json{{"choose", window.choose}, {"lo", window.window.lo},
                                                        {"hi", window.window.hi}, {"units", window_units(window.window.depth)},
                                                        {"source", window.source}}.dump()
                                       : ""));
        window.choose = w.at("choose").get<bool>();
        window.window.lo = w.at("lo").get<double>();
        window.window.hi = w.at("hi").get<double>();
        window.window.depth = parse_window_units(w.at("units").get<std::string>());
        window.source = w.at("source").get<std::string>();
    }
    std::vector<ImageSource> all = selection.normal;
    all.insert(all.end(), selection.contamination.begin(), selection.contamination.end());
    if (root())
        std::cerr << "stratum train: reading " << all.size() << " images (" << selection.normal.size() << " normal, "
                  << selection.contamination.size() << " contamination)\n";
    const bool show = tty_ && root();
    const ImageSet set = load_images(all, config_.net.resolution, config_.net.channels, config_.threads, window,
                                     [show](std::size_t done, std::size_t total) {
                                         if (show) std::cerr << "\r  decoded " << done << " / " << total << std::flush;
                                     });
    if (show) std::cerr << "\n";
    // Every rank must hold the same images in the same window: a data folder that differs between machines
    // would train each rank on other images.
    if (dist_)
        dist_->agree("training images", std::to_string(set.count()) + " images read, window " + window_text(set.window));
    if (set.count() < 2) throw Error("fewer than 2 readable training images");
    if (root()) {
        if (!set.skipped.empty()) {
            std::string text;
            for (const std::string& s : set.skipped) text += s + "\n";
            write_file_atomic(files_.skipped(), text);
            std::cerr << "stratum train: skipped " << set.skipped.size() << " unreadable files (listed in "
                      << files_.skipped() << ")\n";
        }
        if (window.choose || !fs::exists(files_.intensity_window())) write_run_window(files_, set.window, set.window_source);
        std::cerr << "stratum train: intensity window " << window_text(set.window) << ": " << set.window_source << "\n";
        if (set.outside_window > 0)
            std::cerr << "stratum train: " << set.outside_window << " training images sit partly outside the window or "
                      << "are too dark for it (stratum score lists such images with a note)\n";
    }
    const std::int64_t n = static_cast<std::int64_t>(set.count());
    data_ = torch::from_blob(const_cast<float*>(set.values.data()),
                             {n, config_.net.channels, config_.net.resolution, config_.net.resolution}, torch::kFloat32)
                .clone()
                .to(device_);
}

torch::Tensor Trainer::next_batch(std::int64_t n) {
    const std::int64_t count = data_.size(0);
    std::vector<torch::Tensor> parts;
    while (n > 0) {
        if (!order_.defined() || cursor_ >= count) {
            order_ = torch::randperm(count, torch::TensorOptions().dtype(torch::kInt64).device(device_));
            cursor_ = 0;
        }
        const std::int64_t take = std::min(n, count - cursor_);
        parts.push_back(order_.slice(0, cursor_, cursor_ + take));
        cursor_ += take;
        n -= take;
    }
    return data_.index_select(0, parts.size() == 1 ? parts[0] : torch::cat(parts));
}

void Trainer::write_samples(const Phase& phase) {
    torch::NoGradGuard no_grad;
    models_.g_ema->eval();
    const torch::Tensor fakes = models_.g_ema(z_fixed_, phase.stage, phase.alpha);
    const torch::Tensor recon = models_.g_ema(models_.e(fakes, phase.stage, phase.alpha), phase.stage, phase.alpha);
    char name[64];
    std::snprintf(name, sizeof name, "/fakes_%09lld.png", static_cast<long long>(images_));
    write_grid(files_.samples() + name, fakes, 8);
    std::snprintf(name, sizeof name, "/recon_%09lld.png", static_cast<long long>(images_));
    write_grid(files_.samples() + name, recon, 8);
}

void Trainer::log_line(const Phase& phase, const Losses& m, double ips) {
    const nlohmann::json line = {{"images", images_},   {"resolution", phase.resolution()}, {"alpha", phase.alpha},
                                 {"d_loss", m.d},        {"gradient_penalty", m.gp},        {"g_loss", m.g},
                                 {"e_loss", m.e},        {"images_per_second", ips}};
    std::ofstream out(files_.log(), std::ios::app);
    out << line.dump() << "\n";
    out.flush();
    if (!out) throw Error("cannot append to " + files_.log() + " (disk full or not writable?)");
}

void Trainer::show_progress(const Phase& phase, const Losses& last, double ips, bool final_line) {
    const double total = static_cast<double>(config_.schedule.total_images());
    const double fraction = std::min(1.0, static_cast<double>(images_) / total);
    const double eta = ips > 0 ? (total - static_cast<double>(images_)) / ips : NAN;
    char phase_text[48];
    std::snprintf(phase_text, sizeof phase_text, "%dpx %s", phase.resolution(),
                  phase.encoder_only ? "encoder" : phase.alpha < 1.0 ? ("fade " + std::to_string(static_cast<int>(phase.alpha * 100)) + "%").c_str()
                                    : "stable");
    char line[256];
    if (tty_) {
        const int width = 24, filled = static_cast<int>(fraction * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.resize(width, '.');
        std::snprintf(line, sizeof line, "\r%-16s [%s] %5.1f%%  %lld/%lld img  %.0f img/s  ETA %s  D %.3f G %.3f E %.4f ",
                      phase_text, bar.c_str(), fraction * 100, static_cast<long long>(images_),
                      static_cast<long long>(config_.schedule.total_images()), ips, human_duration(eta).c_str(), last.d, last.g,
                      last.e);
        std::cerr << line << (final_line ? "\n" : "") << std::flush;
    } else {
        std::snprintf(line, sizeof line, "%s  %5.1f%%  %lld/%lld images  %.1f img/s  ETA %s  D %.4f G %.4f E %.5f\n",
                      phase_text, fraction * 100, static_cast<long long>(images_),
                      static_cast<long long>(config_.schedule.total_images()), ips, human_duration(eta).c_str(), last.d, last.g,
                      last.e);
        std::cerr << line << std::flush;
    }
}

void Trainer::checkpoint(int phase_index) {
    // A step can leave infinite weights behind a finite loss; such a state is never saved.
    for (torch::nn::Module* m : {static_cast<torch::nn::Module*>(models_.g.get()), static_cast<torch::nn::Module*>(models_.d.get()),
                                 static_cast<torch::nn::Module*>(models_.e.get())})
        for (const torch::Tensor& p : m->parameters())
            if (!torch::isfinite(p).all().item<bool>())
                throw Error("training diverged at " + std::to_string(images_) +
                            " images (non-finite weights); the last good checkpoint is kept in " + files_.checkpoint());
    save_checkpoint(files_.checkpoint(), models_, *optimizers_, {images_, phase_index});
}

int Trainer::restore() {
    // A resume from a checkpoint (even one at 0 images) takes a fresh random stream and trims the log;
    // a new run, or a resume of a run killed before its first checkpoint, goes on as a new run does.
    bool resumed = resume_ && root() && fs::exists(files_.checkpoint());
    if (dist_) resumed = dist_->share("resuming", resumed ? "yes" : "no") == "yes";
    CheckpointState state;
    if (dist_) {
        std::string bytes;
        if (root()) {
            if (!fs::exists(files_.checkpoint())) checkpoint(0);  // a new run's first state
            bytes = read_checkpoint_bytes(files_.checkpoint());
        }
        bytes = dist_->broadcast_bytes(bytes);
        state = load_checkpoint_bytes(bytes, "rank 0's " + files_.checkpoint(), models_, optimizers_.get(), device_);
    } else if (resumed) {
        state = load_checkpoint(files_.checkpoint(), models_, optimizers_.get(), device_);
    }
    images_ = state.images_seen;
    if (resumed) {
        // A fresh random stream for the rest of the run, still determined by the seed and the position.
        torch::manual_seed(config_.seed + static_cast<std::uint64_t>(images_) * 7919);
        if (root()) {
            std::cerr << "stratum train: resuming at " << images_ << " images\n";
            if (const std::size_t dropped = trim_log(files_.log(), images_))
                std::cerr << "stratum train: " << dropped << " log lines after the checkpoint dropped (they are redone)\n";
        }
    }
    return state.phase_index;
}

void Trainer::combine_over_ranks(Losses& l) {
    if (!dist_) return;
    std::vector<torch::Tensor> values = {
        torch::tensor({l.d, l.gp, l.g, l.e, g_stop_requested ? 1.0 : 0.0}, torch::kFloat64)};
    dist_->average(values);
    const auto v = values[0].accessor<double, 1>();
    l.d = v[0], l.gp = v[1], l.g = v[2], l.e = v[3];
    if (v[4] > 0) g_stop_requested = true;  // one rank asked: all stop at this step, rank 0 checkpoints
}

void Trainer::run() {
    if (root()) fs::create_directories(files_.samples());
    if (config_.threads > 0) torch::set_num_threads(config_.threads);
    torch::manual_seed(config_.seed ^ 0x5A5A5A5Aull);
    z_fixed_ = sample_z(64, config_.net.latent, torch::kCPU).to(device_);
    torch::manual_seed(config_.seed);
    models_ = Models(config_.net, config_.schedule.rotation_weight);  // initial weights depend on the seed only
    models_.to(device_);
    optimizers_ = std::make_unique<Optimizers>(models_, config_.schedule.learning_rate);
    const int group = models_.d->trunk->mbstd_group;
    // Data first (it uses no torch random numbers): every rank must have read it before rank 0 sends
    // the checkpoint, or the send would wait for the slowest decoder under the collective's timeout.
    load_data();
    int phase_index = restore();
    if (!fs::exists(files_.checkpoint()) && root()) checkpoint(phase_index);  // a good state to come back to

    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    const int final_stage = config_.net.stages();
    const ScheduleConfig& s = config_.schedule;
    Averages window;
    Losses last;
    auto window_start = std::chrono::steady_clock::now();
    std::int64_t window_images = 0;
    double ips = 0;
    bool estimated = false;
    const std::int64_t end = stop_at_ > 0 ? std::min(stop_at_, s.total_images()) : s.total_images();
    while (images_ < end) {
        const Phase phase = phase_at(config_, images_);
        if (phase.index != phase_index) {  // a new resolution: fresh optimiser state (README, "Decisions worth knowing")
            optimizers_ = std::make_unique<Optimizers>(models_, s.learning_rate);
            phase_index = phase.index;
        }
        const std::int64_t batch = batch_for_resolution(s, phase.resolution());  // the global batch
        // Every rank draws the whole batch (and its augmentation) from the same random stream and keeps
        // its rows: its shard of this epoch's permutation of the training set.
        torch::Tensor pixels = next_batch(batch);
        if (s.augment == "dihedral") pixels = augment_dihedral(pixels);
        pixels = parallel_.mine(pixels, group);
        const torch::Tensor real = prepare_reals(pixels, final_stage, phase.stage, phase.alpha);
        if (phase.encoder_only) {
            real_encoder_step(models_, *optimizers_, real, phase.stage, s.encoder_feature_weight, last, parallel_);
        } else {
            // EMA warm-up: beta rises as (1 + t) / (10 + t) towards its 0.999 ceiling, so that G_ema follows
            // G in short runs too instead of staying near its random start for the first ~1000 steps.
            const double step = static_cast<double>(images_) / static_cast<double>(batch);
            const double ema_beta = std::min(s.ema_beta, (1.0 + step) / (10.0 + step));
            train_iteration(models_, *optimizers_, real, phase.stage, phase.alpha, ema_beta, last, parallel_);
        }
        combine_over_ranks(last);
        if (!std::isfinite(last.d) || !std::isfinite(last.g) || !std::isfinite(last.e)) {
            if (tty_) std::cerr << "\n";
            throw Error("training diverged at " + std::to_string(images_) + " images (D " + std::to_string(last.d) +
                        ", G " + std::to_string(last.g) + ", E " + std::to_string(last.e) +
                        "); the last good checkpoint is kept in " + files_.checkpoint());
        }
        window.add(last);
        const std::int64_t before = images_;
        images_ += batch;
        window_images += batch;
        auto crossed = [&](std::int64_t every) { return before / every != images_ / every || images_ >= end; };
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - window_start).count();
        if (seconds > 0) ips = static_cast<double>(window_images) / seconds;
        if (crossed(s.log_every) && root()) {
            keep_going_or_stop([&] { log_line(phase, window.mean(), ips); });
            if (!estimated && ips > 0) {  // the expected wall time, from the first measured window
                estimated = true;
                if (tty_) std::cerr << "\n";
                std::cerr << "stratum train: " << std::lround(ips) << " images/s here: the " << s.total_images()
                          << " images take about " << human_duration(static_cast<double>(s.total_images() - images_) / ips)
                          << " more\n";
            }
            if (!tty_) show_progress(phase, window.mean(), ips, false);
            window = Averages{};
            window_start = std::chrono::steady_clock::now();
            window_images = 0;
        }
        if (!root()) {
            if (g_stop_requested) return;
            continue;
        }
        if (tty_) show_progress(phase, last, ips, false);
        if (crossed(s.sample_every)) keep_going_or_stop([&] { write_samples(phase_at(config_, images_ - 1)); });
        if (crossed(s.checkpoint_every)) checkpoint(phase_index);
        if (g_stop_requested) {
            checkpoint(phase_index);
            if (tty_) std::cerr << "\n";
            std::cerr << "stratum train: stopped at " << images_ << " images; checkpoint written. Continue with: "
                      << "stratum train --resume " << files_.dir << "\n";
            return;
        }
    }
    if (!root()) return;
    if (tty_) std::cerr << "\n";
    if (images_ < s.total_images())
        std::cerr << "stratum train: paused at " << images_ << " images (checkpoint written)\n";
    else
        std::cerr << "stratum train: finished " << images_ << " images in " << files_.dir << "\n";
}

}  // namespace

bool cuda_available() { return torch::cuda::is_available(); }

void check_batch_split(const TrainConfig& config, int world_size) {
    for (int stage = 1; stage <= config.net.stages(); ++stage)
        shard_rows(batch_for_resolution(config.schedule, 4 << (stage - 1)), kStddevGroup, world_size, 0);
}

bool stop_requested() { return g_stop_requested; }

namespace {

// The run's configuration as the run folder has it (a resume) or as given (a new run, written to it).
TrainConfig open_run(const TrainConfig& requested, const std::string& dir, bool resume, int world_size) {
    RunFiles files{dir};
    TrainConfig config = requested;
    if (resume) {
        if (!fs::exists(files.config())) throw Error(dir + ": no config.json to resume from");
        config = config_from_json(read_text_file(files.config()));
        config.threads = requested.threads;  // machine-specific, may differ on resume
        config.device = requested.device;
        config.rank_timeout = requested.rank_timeout;
        if (config.world_size != world_size) {
            // The steps draw every batch whole and average over ranks: the run goes on as it would have.
            std::cerr << "stratum train: the run was trained by " << config.world_size << " rank(s), it goes on with "
                      << world_size << " (config.json updated)\n";
            config.world_size = world_size;
            write_file_atomic(files.config(), to_json(config));
        }
    } else {
        config.world_size = world_size;
        validate(config);
        if (fs::exists(files.config()))
            throw Error(dir + " already holds a run: use --resume to continue it, or choose another folder");
        fs::create_directories(dir);
        write_file_atomic(files.config(), to_json(config));
    }
    return config;
}

void train_distributed(const RankEnvironment& env, const TrainConfig& requested, const std::string& dir, bool resume,
                       std::int64_t stop_at) {
    torch::Device device = pick_device(requested.device);
    if (device.is_cuda()) device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(env.local_rank));
    Distributed dist(env, device, std::chrono::seconds(requested.rank_timeout));
    try {
        // Every rank must be started the same way: what it was given, machine-specific threads aside.
        TrainConfig started = requested;
        started.threads = 0;
        dist.agree("options", std::string(resume ? "--resume " : "--out ") + dir + "\n" + to_json(started));
        if (!resume) check_batch_split(requested, env.world_size);  // before rank 0 makes the run folder
        TrainConfig config = dist.is_root() ? open_run(requested, dir, resume, env.world_size) : requested;
        config = config_from_json(dist.share("config.json", dist.is_root() ? to_json(config) : ""));
        config.threads = requested.threads;
        config.device = requested.device;
        config.rank_timeout = requested.rank_timeout;
        check_batch_split(config, env.world_size);  // a resume with more ranks than the run had
        const int batch = batch_for_resolution(config.schedule, config.net.resolution);
        std::cerr << "stratum train: rank " << env.rank << " of " << env.world_size << " (" << dist.backend() << ", "
                  << device.str() << "): " << batch / env.world_size << " of each batch of " << batch << "\n";
        Trainer(config, dir, resume, stop_at, &dist, device).run();
        dist.barrier();  // every rank ends after rank 0's last checkpoint
    } catch (const Error& e) {
        dist.announce_failure(e.what());
        throw;
    } catch (const std::exception& e) {
        dist.announce_failure(e.what());
        throw Error(std::string("rank ") + std::to_string(env.rank) + ": " + e.what());
    }
}

}  // namespace

void train(const TrainConfig& requested, const std::string& dir, bool resume, std::int64_t stop_at) {
    const RankEnvironment env = rank_environment();
    if (env.world_size > 1) return train_distributed(env, requested, dir, resume, stop_at);
    const TrainConfig config = open_run(requested, dir, resume, 1);
    Trainer(config, dir, resume, stop_at, nullptr, pick_device(config.device)).run();
}

}  // namespace stratum::train
