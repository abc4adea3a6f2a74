// Torch-free parts of the trainer: configuration, schedule, data listing and contamination.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "config.h"
#include "dataset.h"
#include "error.h"
#include "image_write.h"
#include "run_files.h"

using namespace stratum;
using namespace stratum::train;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() / ("stratum-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void write_png(const fs::path& path, int size, std::uint8_t value) {
    Image img;
    img.width = img.height = size;
    img.channels = 3;
    img.pixels.assign(static_cast<std::size_t>(size) * size * 3, value);
    const std::vector<std::uint8_t> png = encode_png(img);
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(png.data()), png.size());
}

}  // namespace

TEST_CASE("widths follow min(fmap_base / 2^s, fmap_max)", "[train_io]") {
    NetConfig paper = preset_config("paper").net;
    CHECK(paper.width_at(4) == 512);
    CHECK(paper.width_at(32) == 512);
    CHECK(paper.width_at(64) == 256);
    NetConfig small = preset_config("small").net;
    CHECK(small.width_at(4) == 64);
    CHECK(small.width_at(8) == 64);
    CHECK(small.width_at(16) == 32);
    CHECK(small.width_at(32) == 16);
    CHECK(small.stages() == 4);
    const TrainConfig quick = preset_config("quick");  // the default recipe
    CHECK(quick.net.width_at(4) == 32);
    CHECK(quick.net.width_at(32) == 8);
    CHECK(quick.net.latent == 64);
    CHECK(quick.schedule.images == 60000);
    CHECK_THROWS_WITH(preset_config("huge"), Catch::Contains("unknown preset"));
}

TEST_CASE("the encoder phase follows the GAN's images with a phase index of its own", "[train_io]") {
    TrainConfig c = preset_config("quick");
    c.data.path = "/data";
    c.schedule.images = 1000;
    c.schedule.encoder_images = 500;
    CHECK(c.schedule.total_images() == 1500);
    CHECK_FALSE(phase_at(c, 999).encoder_only);
    CHECK(phase_at(c, 999).index == 0);
    const Phase e = phase_at(c, 1000);
    CHECK(e.encoder_only);
    CHECK(e.index == 1);  // a new index: the trainer starts fresh optimiser state there
    CHECK(e.resolution() == 32);
    CHECK(e.alpha == 1.0);
    c.schedule.encoder_images = 0;
    CHECK_FALSE(phase_at(c, 5000).encoder_only);  // without the phase the last one lasts to the end
    // Progressive: the encoder phase comes after the last resolution's index.
    TrainConfig p = preset_config("paper");
    p.data.path = "/data";
    p.net.resolution = 16;
    p.schedule.fade_images = 100;
    p.schedule.stable_images = 200;
    p.schedule.images = 1000;  // 4x4 stable, 8x8 fade + stable, 16x16 fade + stable: 200 + 300 + 300 = 800
    p.schedule.encoder_images = 100;
    CHECK(phase_at(p, 999).index == 2);
    CHECK(phase_at(p, 1000).index == 3);
    CHECK_NOTHROW(validate(p));
    p.schedule.images = 600;  // still fading in 16x16 when the GAN part ends
    CHECK_THROWS_WITH(validate(p), Catch::Contains("--encoder-images needs --images long enough"));
    TrainConfig bad = c;
    bad.schedule.augment = "rotate";
    CHECK_THROWS_WITH(validate(bad), Catch::Contains("--augment must be none or dihedral"));
    bad = c;
    bad.schedule.encoder_feature_weight = -1;
    CHECK_THROWS_WITH(validate(bad), Catch::Contains("--encoder-feature-weight"));
    // Configs written before these options existed still read, without them.
    c.schedule.augment = "dihedral";
    c.schedule.encoder_images = 48;
    CHECK(to_json(config_from_json(to_json(c))) == to_json(c));
    nlohmann::json old = nlohmann::json::parse(to_json(c));
    old["schedule"].erase("augment");
    old["schedule"].erase("encoder_images");
    old["schedule"].erase("encoder_feature_weight");
    const TrainConfig back = config_from_json(old.dump());
    CHECK(back.schedule.augment == "none");
    CHECK(back.schedule.encoder_images == 0);
}

TEST_CASE("progressive schedule: stable 4x4, then fade and stable per resolution", "[train_io]") {
    TrainConfig c = preset_config("paper");
    c.net.resolution = 16;
    c.schedule.fade_images = 100;
    c.schedule.stable_images = 200;
    CHECK(phase_at(c, 0).resolution() == 4);
    CHECK(phase_at(c, 199).resolution() == 4);
    const Phase fade = phase_at(c, 250);  // 50 images into the 8x8 fade
    CHECK(fade.resolution() == 8);
    CHECK(fade.alpha == Approx(0.5));
    CHECK(fade.index == 1);
    CHECK(phase_at(c, 300).alpha == 1.0);
    CHECK(phase_at(c, 300).resolution() == 8);
    CHECK(phase_at(c, 500).resolution() == 16);
    CHECK(phase_at(c, 500).alpha == 0.0);
    CHECK(phase_at(c, 10000).resolution() == 16);  // the last resolution lasts to the end
    CHECK(phase_at(c, 10000).alpha == 1.0);
    c.schedule.progressive = false;
    CHECK(phase_at(c, 0).resolution() == 16);
    CHECK(phase_at(c, 0).alpha == 1.0);
    CHECK(batch_for_resolution(preset_config("paper").schedule, 16) == 128);
    CHECK(batch_for_resolution(preset_config("paper").schedule, 32) == 64);
    CHECK(batch_for_resolution(preset_config("paper").schedule, 64) == 32);
}

TEST_CASE("config round-trips through JSON and is validated", "[train_io]") {
    TrainConfig c = preset_config("small");
    c.data.path = "/data";
    c.data.normal = {"cat"};
    c.data.contaminate_with = {"dog"};
    c.data.contamination = 0.1;
    c.seed = 42;
    const TrainConfig back = config_from_json(to_json(c));
    CHECK(to_json(back) == to_json(c));
    CHECK_THROWS_WITH(config_from_json("{"), Catch::Contains("not valid JSON"));
    TrainConfig bad = c;
    bad.net.resolution = 48;
    CHECK_THROWS_WITH(validate(bad), Catch::Contains("power of two"));
    bad = c;
    bad.data.contamination = 1.0;
    CHECK_THROWS_WITH(validate(bad), Catch::Contains("contamination"));
    bad = c;
    bad.data.contaminate_with = {"cat"};
    CHECK_THROWS_WITH(validate(bad), Catch::Contains("both normal and contamination"));
    bad = c;
    bad.schedule.rotation_weight = 1.0;
    bad.schedule.augment = "dihedral";
    CHECK_THROWS_WITH(validate(bad), Catch::Contains("--rotation-loss needs --augment none"));
    bad.schedule.rotation_weight = -1.0;
    bad.schedule.augment = "none";
    CHECK_THROWS_WITH(validate(bad), Catch::Contains("--rotation-loss must be 0 or positive"));
    c.schedule.rotation_weight = 0.5;  // kept by the round trip
    CHECK(config_from_json(to_json(c)).schedule.rotation_weight == 0.5);
}

TEST_CASE("folders: classes from first-level subfolders, bad files skipped and listed", "[train_io]") {
    const fs::path dir = fresh_dir("folder");
    fs::create_directories(dir / "cat" / "nested");
    fs::create_directories(dir / "dog");
    fs::create_directories(dir / ".hidden");
    write_png(dir / "cat" / "a.png", 12, 10);
    write_png(dir / "cat" / "nested" / "b.png", 12, 20);
    write_png(dir / "dog" / "c.png", 12, 30);
    write_png(dir / ".hidden" / "d.png", 12, 40);
    std::ofstream(dir / "dog" / "broken.png") << "not a png";
    std::ofstream(dir / "dog" / "notes.txt") << "ignored: not an image name";
    const SourceListing listing = list_sources(dir.string());
    CHECK(listing.classes == std::vector<std::string>{"cat", "dog"});
    REQUIRE(listing.sources.size() == 4);
    CHECK(listing.sources[1].label == "cat");  // nested files keep the first-level class
    const ImageSet set = load_images(listing.sources, 8, 3, 2);
    CHECK(set.count() == 3);
    REQUIRE(set.skipped.size() == 1);
    CHECK_THAT(set.skipped[0], Catch::Contains("broken.png") && Catch::Contains("not an image"));
    CHECK(set.image(2)[0] == 30 / 127.5f - 1.0f);  // flat images stay flat through the resize and the window
    CHECK(set.window == IntensityWindow{});     // given, not chosen: the default 0-255
    CHECK_THROWS_WITH(list_sources((dir / "missing").string()), Catch::Contains("not a folder"));
    fs::remove_all(dir);
}

TEST_CASE("contamination adds p N / (1 - p) anomalies, deterministically", "[train_io]") {
    SourceListing listing;
    for (int i = 0; i < 90; ++i) listing.sources.push_back({"n" + std::to_string(i), "normal"});
    for (int i = 0; i < 50; ++i) listing.sources.push_back({"a" + std::to_string(i), "anomaly"});
    listing.classes = {"anomaly", "normal"};
    DataConfig data;
    data.normal = {"normal"};
    data.contaminate_with = {"anomaly"};
    data.contamination = 0.1;
    const TrainingSelection sel = select_training_set(listing, data, 7);
    CHECK(sel.normal.size() == 90);
    CHECK(sel.contamination.size() == 10);  // 0.1 * 90 / 0.9: 10 % of the final 100
    const TrainingSelection again = select_training_set(listing, data, 7);
    for (std::size_t i = 0; i < 10; ++i) CHECK(again.contamination[i].location == sel.contamination[i].location);
    const TrainingSelection other = select_training_set(listing, data, 8);
    bool differs = false;
    for (std::size_t i = 0; i < 10; ++i) differs |= other.contamination[i].location != sel.contamination[i].location;
    CHECK(differs);
    data.contamination = 0.5;  // would need 90 anomalies, there are 50
    CHECK_THROWS_WITH(select_training_set(listing, data, 7), Catch::Contains("needs 90"));
    data.contamination = 0.1;
    data.normal = {"zebra"};
    CHECK_THROWS_WITH(select_training_set(listing, data, 7), Catch::Contains("\"zebra\" is not in the data"));
}

TEST_CASE("training_set.tsv round-trips and atomic writes replace whole files", "[train_io]") {
    const fs::path dir = fresh_dir("tsv");
    TrainingSelection sel;
    sel.normal = {{"/x/a.png", "cat"}, {"/x/b.png", "cat"}};
    sel.contamination = {{"/x/c.png", "dog"}};
    write_training_set((dir / "t.tsv").string(), sel);
    const TrainingSelection back = read_training_set((dir / "t.tsv").string());
    CHECK(back.normal.size() == 2);
    REQUIRE(back.contamination.size() == 1);
    CHECK(back.contamination[0].label == "dog");
    CHECK_FALSE(fs::exists(dir / "t.tsv.tmp"));
    fs::remove_all(dir);
}

TEST_CASE("a resume trims the log to the checkpoint and drops a line a kill cut short", "[train_io]") {
    const fs::path dir = fresh_dir("log");
    const std::string log = (dir / "log.jsonl").string();
    CHECK(trim_log(log, 100) == 0);  // no log yet: nothing to do
    std::ofstream(log) << "{\"images\":40,\"d_loss\":1}\n{\"images\":80,\"d_loss\":2}\n"
                          "{\"images\":120,\"d_loss\":3}\n{\"images\":160,\"d_lo";
    CHECK(trim_log(log, 80) == 2);
    CHECK(read_text_file(log) == "{\"images\":40,\"d_loss\":1}\n{\"images\":80,\"d_loss\":2}\n");
    CHECK(trim_log(log, 80) == 0);  // already trimmed: unchanged
    CHECK(read_text_file(log) == "{\"images\":40,\"d_loss\":1}\n{\"images\":80,\"d_loss\":2}\n");
    fs::remove_all(dir);
}

TEST_CASE("Fashion-MNIST idx files are read when installed", "[train_io][idx]") {
    const std::string path = "/usr/share/datasets/fashion-mnist";
    INFO("scripts/setup.sh installs Debian's dataset-fashion-mnist");
    REQUIRE(fs::exists(path + "/t10k-images-idx3-ubyte.gz"));
    const SourceListing listing = list_sources(path, "t10k");
    CHECK(listing.idx);
    CHECK(listing.sources.size() == 10000);
    CHECK(listing.classes.size() == 10);
    const ImageSet set = load_images({listing.sources[0], listing.sources[1]}, 32, 1, 1);
    CHECK(set.count() == 2);
    CHECK(set.size == 32);
}
