#include "config.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "error.h"

namespace stratum::train {

using nlohmann::json;

int NetConfig::stages() const {
    int s = 1;
    while ((4 << (s - 1)) < resolution) ++s;
    return s;
}

int NetConfig::width_at(int res) const {
    int s = 1;
    while ((4 << (s - 1)) < res) ++s;
    return std::max(1, std::min(fmap_base >> s, fmap_max));
}

const std::vector<std::string>& preset_names() {
    static const std::vector<std::string> names = {"quick", "small", "paper"};
    return names;
}

TrainConfig preset_config(const std::string& name) {
    TrainConfig c;
    c.preset = name;
    if (name == "quick") {
        // The default recipe (docs/RESULTS.md, recipe search): 32/32/16/8 channels at 4/8/16/32 px, latent
        // 64, 60,000 images; about 5 minutes on a 2-core CPU. Longer or wider training did not move the
        // default score (colour) on blood cells; the paper's E only (no encoder phase), no augmentation.
        c.net.fmap_base = 128;
        c.net.fmap_max = 32;
        c.net.latent = 64;
        c.schedule.progressive = false;
        c.schedule.images = 60000;
        c.schedule.batch = 64;
    } else if (name == "small") {
        // Sized for a 2-core CPU: 64/64/32/16 channels at 4/8/16/32 px, trained at full size directly.
        c.net.fmap_base = 256;
        c.net.fmap_max = 64;
        c.net.latent = 128;
        c.schedule.progressive = false;
        c.schedule.images = 500000;
        c.schedule.batch = 64;
    } else if (name == "paper") {
        c.net.fmap_base = 8192;
        c.net.fmap_max = 512;
        c.net.latent = 512;
        c.schedule.progressive = true;
        c.schedule.fade_images = 600000;
        c.schedule.stable_images = 600000;
        c.schedule.images = 12000000;
        c.schedule.batch = 0;
        c.schedule.checkpoint_every = 100000;
        c.schedule.sample_every = 200000;
        c.schedule.log_every = 10000;
    } else {
        throw Error("unknown preset \"" + name + "\" (expected quick, small or paper)");
    }
    return c;
}

int batch_for_resolution(const ScheduleConfig& s, int resolution) {
    if (s.batch > 0) return s.batch;
    if (resolution <= 16) return 128;
    if (resolution <= 32) return 64;
    return 32;
}

Phase phase_at(const TrainConfig& c, std::int64_t images) {
    Phase p;
    const int final_stage = c.net.stages();
    if (images >= c.schedule.images && c.schedule.encoder_images > 0) {
        p.stage = final_stage;
        p.index = (c.schedule.progressive ? final_stage - 1 : 0) + 1;
        p.encoder_only = true;
        return p;
    }
    if (!c.schedule.progressive) {
        p.stage = final_stage;
        return p;
    }
    // 4x4: stable only. Every later resolution: fade-in, then stable. The last one lasts to the end.
    std::int64_t t = images;
    p.stage = 1;
    p.index = 0;
    if (t < c.schedule.stable_images || final_stage == 1) return p;
    t -= c.schedule.stable_images;
    for (int stage = 2; stage <= final_stage; ++stage) {
        p.stage = stage;
        p.index = stage - 1;
        if (t < c.schedule.fade_images) {
            p.alpha = static_cast<double>(t) / static_cast<double>(c.schedule.fade_images);
            return p;
        }
        p.alpha = 1.0;
        t -= c.schedule.fade_images;
        if (t < c.schedule.stable_images || stage == final_stage) return p;
        t -= c.schedule.stable_images;
    }
    return p;
}

std::string to_json(const TrainConfig& c) {
    json j = {
        {"preset", c.preset},
        {"net", {{"resolution", c.net.resolution}, {"channels", c.net.channels}, {"fmap_base", c.net.fmap_base},
                 {"fmap_max", c.net.fmap_max}, {"latent", c.net.latent}}},
        {"data", {{"path", c.data.path}, {"split", c.data.split}, {"normal", c.data.normal},
                  {"contaminate_with", c.data.contaminate_with}, {"contamination", c.data.contamination},
                  {"limit", c.data.limit}, {"input_range", c.data.input_range}}},
        {"schedule", {{"images", c.schedule.images}, {"progressive", c.schedule.progressive},
                      {"fade_images", c.schedule.fade_images}, {"stable_images", c.schedule.stable_images},
                      {"batch", c.schedule.batch}, {"learning_rate", c.schedule.learning_rate},
                      {"ema_beta", c.schedule.ema_beta}, {"checkpoint_every", c.schedule.checkpoint_every},
                      {"sample_every", c.schedule.sample_every}, {"log_every", c.schedule.log_every},
                      {"augment", c.schedule.augment}, {"encoder_images", c.schedule.encoder_images},
                      {"encoder_feature_weight", c.schedule.encoder_feature_weight},
                      {"rotation_weight", c.schedule.rotation_weight}}},
        {"seed", c.seed},
        {"threads", c.threads},
        {"device", c.device},
        {"commit", c.commit},
        // The batch per rank and the effective batch at the final resolution (the others scale alike).
        {"distributed", {{"world_size", c.world_size},
                         {"effective_batch", batch_for_resolution(c.schedule, c.net.resolution)},
                         {"batch_per_rank", batch_for_resolution(c.schedule, c.net.resolution) / std::max(1, c.world_size)}}},
    };
    return j.dump(2) + "\n";
}

namespace {
template <typename T>
void read(const json& object, const char* section, const char* key, T& out) {
    const auto it = object.find(key);
    if (it == object.end()) throw Error(std::string("config.json: ") + section + key + ": missing");
    try {
        out = it->get<T>();
    } catch (const json::exception&) {
        throw Error(std::string("config.json: ") + section + key + ": wrong type");
    }
}
}  // namespace

TrainConfig config_from_json(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {  // also numbers too large for a double
        throw Error(std::string("config.json is not valid JSON: ") + e.what());
    }
    if (!j.is_object() || !j.contains("net") || !j.contains("data") || !j.contains("schedule"))
        throw Error("config.json: expected an object with net, data and schedule");
    TrainConfig c;
    read(j, "", "preset", c.preset);
    const json& n = j["net"];
    read(n, "net.", "resolution", c.net.resolution);
    read(n, "net.", "channels", c.net.channels);
    read(n, "net.", "fmap_base", c.net.fmap_base);
    read(n, "net.", "fmap_max", c.net.fmap_max);
    read(n, "net.", "latent", c.net.latent);
    const json& d = j["data"];
    read(d, "data.", "path", c.data.path);
    read(d, "data.", "split", c.data.split);
    read(d, "data.", "normal", c.data.normal);
    read(d, "data.", "contaminate_with", c.data.contaminate_with);
    read(d, "data.", "contamination", c.data.contamination);
    read(d, "data.", "limit", c.data.limit);
    if (d.contains("input_range")) read(d, "data.", "input_range", c.data.input_range);
    const json& s = j["schedule"];
    read(s, "schedule.", "images", c.schedule.images);
    read(s, "schedule.", "progressive", c.schedule.progressive);
    read(s, "schedule.", "fade_images", c.schedule.fade_images);
    read(s, "schedule.", "stable_images", c.schedule.stable_images);
    read(s, "schedule.", "batch", c.schedule.batch);
    read(s, "schedule.", "learning_rate", c.schedule.learning_rate);
    read(s, "schedule.", "ema_beta", c.schedule.ema_beta);
    read(s, "schedule.", "checkpoint_every", c.schedule.checkpoint_every);
    read(s, "schedule.", "sample_every", c.schedule.sample_every);
    read(s, "schedule.", "log_every", c.schedule.log_every);
    // Runs made before these options existed trained without them.
    if (s.contains("augment")) read(s, "schedule.", "augment", c.schedule.augment);
    if (s.contains("encoder_images")) read(s, "schedule.", "encoder_images", c.schedule.encoder_images);
    if (s.contains("encoder_feature_weight"))
        read(s, "schedule.", "encoder_feature_weight", c.schedule.encoder_feature_weight);
    if (s.contains("rotation_weight")) read(s, "schedule.", "rotation_weight", c.schedule.rotation_weight);
    read(j, "", "seed", c.seed);
    read(j, "", "threads", c.threads);
    read(j, "", "device", c.device);
    read(j, "", "commit", c.commit);
    if (j.contains("distributed")) read(j["distributed"], "distributed.", "world_size", c.world_size);  // runs before it: 1
    validate(c);
    return c;
}

void validate(const TrainConfig& c) {
    auto bad = [](const std::string& what) { throw Error(what); };
    const int r = c.net.resolution;
    if (r < 4 || r > 1024 || (r & (r - 1)) != 0) bad("image size must be a power of two from 4 to 1024");
    if (c.net.channels != 1 && c.net.channels != 3) bad("channels must be 1 or 3");
    if (c.net.fmap_base < 2 || c.net.fmap_max < 1) bad("fmap_base and fmap_max must be positive");
    if (c.net.latent < 1 || c.net.latent > 8192) bad("latent size must lie in [1, 8192]");
    if (c.data.path.empty()) bad("no data: give --data PATH");
    if (c.data.contamination < 0.0 || c.data.contamination >= 1.0) bad("contamination must lie in [0, 1)");
    if (c.data.contamination > 0.0 && c.data.contaminate_with.empty())
        bad("contamination > 0 needs --contaminate-with CLASSES");
    for (const std::string& a : c.data.contaminate_with)
        if (std::find(c.data.normal.begin(), c.data.normal.end(), a) != c.data.normal.end())
            bad("class \"" + a + "\" is both normal and contamination");
    if (c.schedule.images <= 0) bad("--images must be positive");
    if (c.schedule.batch < 0) bad("--batch must be positive");
    if (c.schedule.progressive && (c.schedule.fade_images <= 0 || c.schedule.stable_images <= 0))
        bad("fade and stable phases must be positive");
    if (!(c.schedule.learning_rate > 0)) bad("learning rate must be positive");
    if (!(c.schedule.ema_beta >= 0 && c.schedule.ema_beta < 1)) bad("EMA beta must lie in [0, 1)");
    if (c.schedule.checkpoint_every <= 0 || c.schedule.sample_every <= 0 || c.schedule.log_every <= 0)
        bad("checkpoint, sample and log intervals must be positive");
    if (c.schedule.augment != "none" && c.schedule.augment != "dihedral") bad("--augment must be none or dihedral");
    if (c.schedule.encoder_images < 0) bad("--encoder-images must be 0 or positive");
    if (c.schedule.encoder_images > 0 && c.schedule.progressive) {
        // The encoder phase trains E against the final G: the GAN must have grown to full size first.
        TrainConfig gan = c;
        gan.schedule.encoder_images = 0;
        const Phase end = phase_at(gan, c.schedule.images - 1);
        if (end.stage != c.net.stages() || end.alpha < 1.0)
            bad("--encoder-images needs --images long enough to reach the final size, fully faded in");
    }
    if (!(c.schedule.encoder_feature_weight >= 0) || !std::isfinite(c.schedule.encoder_feature_weight))
        bad("--encoder-feature-weight must be 0 or positive");
    if (!(c.schedule.rotation_weight >= 0) || !std::isfinite(c.schedule.rotation_weight))
        bad("--rotation-loss must be 0 or positive");
    if (c.schedule.rotation_weight > 0 && c.schedule.augment != "none")
        bad("--rotation-loss needs --augment none: dihedral augmentation already turns the training images by the "
            "quarter turns the critic would learn to predict");
    if (c.threads < 0) bad("--threads must be 0 (all cores) or positive");
    if (c.world_size < 1) bad("distributed.world_size must be positive");
    if (c.rank_timeout < 1) bad("--rank-timeout must be at least 1 second");
    if (c.device != "auto" && c.device != "cpu" && c.device != "cuda") bad("--device must be auto, cpu or cuda");
}

}  // namespace stratum::train
