#include "study.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "error.h"
#include "evaluate.h"
#include "run_files.h"
#include "train.h"

namespace stratum::train {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

template <typename T>
T get(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) throw Error(std::string("study spec: ") + key + ": missing");
    try {
        return it->get<T>();
    } catch (const json::exception&) {
        throw Error(std::string("study spec: ") + key + ": wrong type");
    }
}

template <typename T>
T get_or(const json& j, const char* key, T fallback) {
    return j.contains(key) ? get<T>(j, key) : fallback;
}

std::string cell_dir(const std::string& out, const StudyCell& c) { return out + "/cells/" + c.id; }

}  // namespace

StudySpec parse_study_spec(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {  // also numbers too large for a double
        throw Error(std::string("study spec is not valid JSON: ") + e.what());
    }
    StudySpec s;
    s.name = get<std::string>(j, "name");
    s.dataset_label = get<std::string>(j, "dataset_label");
    s.train_data = get<std::string>(j, "train_data");
    s.test_data = get<std::string>(j, "test_data");
    s.protocol = get<std::string>(j, "protocol");
    if (s.protocol != "one_class_normal" && s.protocol != "one_class_anomalous")
        throw Error("study spec: protocol: expected one_class_normal or one_class_anomalous");
    s.classes = get<std::vector<std::string>>(j, "classes");
    s.all_classes = get<std::vector<std::string>>(j, "all_classes");
    s.contamination = get<std::vector<double>>(j, "contamination");
    s.seeds = get<std::vector<std::uint64_t>>(j, "seeds");
    s.preset = get_or<std::string>(j, "preset", "small");
    s.size = get_or<int>(j, "size", 32);
    s.channels = get_or<int>(j, "channels", 3);
    s.batch = get_or<int>(j, "batch", 0);
    s.images = get<std::int64_t>(j, "images");
    s.eval_every = get<std::int64_t>(j, "eval_every");
    s.normal_limit = get_or<std::int64_t>(j, "normal_limit", 0);
    s.test_per_class = get_or<std::int64_t>(j, "test_per_class", 0);
    for (const json& w : get<json>(j, "widths")) {
        StudyWidth width{get<std::string>(w, "name"), get<int>(w, "fmap_base"), get<int>(w, "fmap_max"), get<int>(w, "latent")};
        width.size = get_or<int>(w, "size", 0);
        width.augment = get_or<std::string>(w, "augment", "none");
        width.encoder_images = get_or<std::int64_t>(w, "encoder_images", 0);
        if (width.encoder_images < 0 || width.size < 0) throw Error("study spec: widths: size and encoder_images must not be negative");
        if (width.size != 0 && (width.size < 4 || (width.size & (width.size - 1)) != 0))
            throw Error("study spec: widths: size must be a power of two from 4");
        if (width.augment != "none" && width.augment != "dihedral") throw Error("study spec: widths: augment must be none or dihedral");
        width.rotation_weight = get_or<double>(w, "rotation_loss", 0.0);
        if (!(width.rotation_weight >= 0) || !std::isfinite(width.rotation_weight))
            throw Error("study spec: widths: rotation_loss must be 0 or positive");
        if (width.rotation_weight > 0 && width.augment != "none")
            throw Error("study spec: widths: rotation_loss needs augment none");
        s.widths.push_back(width);
    }
    if (s.widths.empty()) throw Error("study spec: widths: at least one");
    if (s.classes.empty() || s.contamination.empty() || s.seeds.empty())
        throw Error("study spec: classes, contamination and seeds must not be empty");
    for (const std::string& c : s.classes)
        if (std::find(s.all_classes.begin(), s.all_classes.end(), c) == s.all_classes.end())
            throw Error("study spec: class \"" + c + "\" is not in all_classes");
    if (s.images <= 0 || s.eval_every <= 0) throw Error("study spec: images and eval_every must be positive");
    return s;
}

std::vector<StudyCell> study_cells(const StudySpec& s) {
    std::vector<StudyCell> cells;
    for (const StudyWidth& w : s.widths)
        for (const std::string& k : s.classes)
            for (double p : s.contamination)
                for (std::uint64_t seed : s.seeds) {
                    StudyCell c{"", k, p, seed, w, {}, {}};
                    char id[160];
                    std::snprintf(id, sizeof id, "%s_p%.2f_s%llu_%s", k.c_str(), p, static_cast<unsigned long long>(seed),
                                  w.name.c_str());
                    c.id = id;
                    for (const std::string& other : s.all_classes) {
                        const bool is_k = other == k;
                        const bool normal = s.protocol == "one_class_normal" ? is_k : !is_k;
                        (normal ? c.normal : c.anomalous).push_back(other);
                    }
                    cells.push_back(c);
                }
    return cells;
}

int run_study(const StudyOptions& o) {
    const StudySpec spec = parse_study_spec(read_text_file(o.spec_path));
    const std::string out = o.out_dir.empty() ? "studies/out/" + spec.name : o.out_dir;
    if (!o.dry_run) {  // a dry run only looks
        fs::create_directories(out + "/cells");
        write_file_atomic(out + "/spec.json", read_text_file(o.spec_path));
    }
    const std::vector<StudyCell> cells = study_cells(spec);
    int finished = 0;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        const StudyCell& c = cells[i];
        if (!o.only.empty() && c.id.find(o.only) == std::string::npos) continue;
        if (stop_requested()) return finished;
        const std::string dir = cell_dir(out, c), result = dir + "/result.json";
        if (fs::exists(result)) {
            ++finished;
            if (o.dry_run) std::cout << "done     " << c.id << "\n";
            continue;
        }
        if (o.dry_run) {
            std::cout << (fs::exists(dir + "/run/checkpoint.pt") ? "partial  " : "todo     ") << c.id << "\n";
            continue;
        }
        std::cerr << "\n=== study " << spec.name << ": cell " << (i + 1) << "/" << cells.size() << " " << c.id << " ===\n";
        TrainConfig config = preset_config(spec.preset);
        config.commit = o.commit;
        config.net.resolution = c.width.size > 0 ? c.width.size : spec.size;
        config.schedule.augment = c.width.augment;
        config.schedule.encoder_images = c.width.encoder_images;
        config.schedule.rotation_weight = c.width.rotation_weight;
        config.net.channels = spec.channels;
        config.net.fmap_base = c.width.fmap_base;
        config.net.fmap_max = c.width.fmap_max;
        config.net.latent = c.width.latent;
        config.schedule.images = spec.images;
        if (spec.batch > 0) config.schedule.batch = spec.batch;
        config.schedule.checkpoint_every = std::min(config.schedule.checkpoint_every, spec.eval_every);
        config.schedule.sample_every = spec.eval_every;
        config.data.path = spec.train_data;
        config.data.normal = c.normal;
        config.data.contaminate_with = c.contamination > 0 ? c.anomalous : std::vector<std::string>{};
        config.data.contamination = c.contamination;
        config.data.limit = spec.normal_limit;
        config.seed = c.seed;
        config.threads = o.threads;
        config.device = o.device;
        const std::string run_dir = dir + "/run";
        json curve = json::array();
        const std::int64_t total = config.schedule.total_images();
        for (std::int64_t target = std::min(spec.eval_every, total); ; target = std::min(total, target + spec.eval_every)) {
            const std::string point = dir + "/eval_" + std::to_string(target) + ".json";
            if (!fs::exists(point)) {
                train(config, run_dir, fs::exists(run_dir + "/config.json"), target);
                if (stop_requested()) {  // Ctrl+C or SIGTERM: the run wrote its checkpoint; the study stops too
                    std::cerr << "stratum study: stopped; run the same command again to continue\n";
                    return finished;
                }
                EvalOptions eo;
                eo.run_dir = run_dir;
                eo.test_path = spec.test_data;
                eo.normal = c.normal;
                eo.anomalous = c.anomalous;
                eo.max_per_class = spec.test_per_class;
                eo.threads = o.threads;
                eo.device = o.device;
                write_file_atomic(point, eval_to_json(eo, evaluate_run(eo)));
            }
            const EvalResult r = eval_from_json(read_text_file(point));
            json aurocs;
            for (const ScoreResult& s : r.scores) aurocs[s.name] = s.auroc;
            curve.push_back({{"images", r.images_seen}, {"auroc", aurocs}});
            std::cerr << "  " << c.id << " at " << r.images_seen << " images: AUROC norm " << aurocs["norm"].get<double>()
                      << ", reconstruction " << aurocs["reconstruction"].get<double>() << "\n";
            if (target >= total) break;
        }
        const json final_eval = json::parse(read_text_file(dir + "/eval_" + std::to_string(total) + ".json"));
        write_file_atomic(result, json{{"cell", c.id},
                                       {"class", c.cls},
                                       {"protocol", spec.protocol},
                                       {"contamination", c.contamination},
                                       {"seed", c.seed},
                                       {"width", c.width.name},
                                       {"dataset", spec.dataset_label},
                                       {"curve", curve},
                                       {"final", final_eval}}
                                      .dump(1) + "\n");
        ++finished;
    }
    return finished;
}

}  // namespace stratum::train
