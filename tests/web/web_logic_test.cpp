// The page's app logic (src/web: state, pipeline, model, export) without a browser: rows from file to
// score as web/pipeline.js drives them, batches and their tickets, cancel and clear while a batch is
// with the encoder, labels, model swaps and the downloads. The encoder's outputs are made up here;
// each row's numbers are checked against the core's score_outputs on that image's values, gathered
// by this test from the output-major blocks the page receives.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "explain.h"
#include "maps.h"
#include "export.h"
#include "plot_axes.h"
#include "model.h"
#include "pipeline.h"
#include "report.h"
#include "results.h"
#include "scoring.h"
#include "state.h"
#include "thumbnail.h"

using namespace web;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A fresh page with the shipped blood-cell model in use (extra scores of widths 1, 1, 64, ...).
const stratum::ModelCard& fresh_page() {
    app() = AppState{};
    REQUIRE(load_card("pbc", read_file(STRATUM_WEB_TEST_CARD)) == "");
    REQUIRE(model_ready("wasm", 1, "") == "");
    return app().model.card;
}

std::size_t input_values(const stratum::ModelCard& card) {
    return static_cast<std::size_t>(card.input.channels) * card.input.height * card.input.width;
}

const std::vector<std::uint8_t> kThumb(static_cast<std::size_t>(kThumbnail) * kThumbnail * 4, 7);

// A registered file decoded to one page: its row, ready for the encoder.
int decoded_file(const std::string& path, const std::string& relative = "") {
    const int row = add_file(path, relative.empty() ? path : relative, path, 0);
    return add_page(row, generation(), 0, 1, input_values(app().model.card), kThumb.data(), kThumb.size(), "");
}

// What ONNX Runtime would return for n images: latents and every extra output, output after output.
struct Outputs {
    std::vector<float> latents, extras;
    int n = 0, dims = 0;
};
Outputs outputs_for(const stratum::ModelCard& card, int n, unsigned seed) {
    std::mt19937 random(seed);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    Outputs o;
    o.n = n;
    o.dims = card.latent_size;
    for (int i = 0; i < n * card.latent_size; ++i) o.latents.push_back(u(random));
    for (const stratum::ExtraScore& x : card.extra_scores)
        for (std::size_t i = 0; i < static_cast<std::size_t>(n) * x.output_width(); ++i) o.extras.push_back(0.5f + 0.1f * u(random));
    return o;
}
// Image i's extra values in card order, gathered from the output-major blocks.
std::vector<double> extras_of(const stratum::ModelCard& card, const Outputs& o, int i) {
    std::vector<double> e;
    std::size_t block = 0;
    for (const stratum::ExtraScore& x : card.extra_scores) {
        const std::size_t w = x.output_width();
        for (std::size_t k = 0; k < w; ++k) e.push_back(o.extras[block + static_cast<std::size_t>(i) * w + k]);
        block += w * static_cast<std::size_t>(o.n);
    }
    return e;
}

}  // namespace

TEST_CASE("a file becomes a row labelled by its folders, and a stack a row per page", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    CHECK(card.extra_scores.size() >= 2);
    const int row = add_file("drop/normal/2024/x.png", "normal/2024/x.png", "drop/normal/2024/x.png", 10);
    REQUIRE(row == 0);
    CHECK(app().rows[0].label_text == "normal");
    CHECK(app().rows[0].label == stratum::Label::Normal);
    CHECK(app().progress.total == 1);
    CHECK(pipeline_busy());

    const int stack = add_file("cells.tif", "cells.tif", "cells.tif", 10);
    const int g = generation();
    const int p0 = add_page(stack, g, 0, 3, input_values(card), kThumb.data(), kThumb.size(), "note 0");
    const int p1 = add_page(stack, g, 1, 3, input_values(card), kThumb.data(), kThumb.size(), "");
    const int p2 = add_page(stack, g, 2, 3, input_values(card) + 1, kThumb.data(), kThumb.size(), "");
    CHECK(p0 == stack);
    CHECK(p1 == 2);
    CHECK(p2 == -1);  // made for another input size: that row fails, saying so
    CHECK(app().rows[1].name == "cells.tif [page 1/3]");
    CHECK(app().rows[1].note == "note 0");
    CHECK(app().rows[1].thumbnail == kThumb);
    CHECK(app().rows[1].input_range == stratum::window_text(card.input.window));
    CHECK(app().rows[2].name == "cells.tif [page 2/3]");
    CHECK(app().rows[2].source == "cells.tif");
    CHECK(app().rows[3].status == FileRow::Status::Failed);
    CHECK(app().rows[3].error.find("another model input size") != std::string::npos);
    CHECK(app().progress.total == 4);
    // A page for a row that no longer waits (with the encoder), or of an older generation, is dropped.
    batch_sent({p0});
    CHECK(add_page(stack, g, 0, 3, input_values(card), nullptr, 0, "") == -1);
    CHECK(add_page(row, g + 1, 0, 1, input_values(card), nullptr, 0, "") == -1);
    // A file that gives no page, and one that stops part-way.
    const int broken = add_file("broken.png", "broken.png", "broken.png", 10);
    decode_failed(broken, g, "not an image");
    CHECK(app().rows[static_cast<std::size_t>(broken)].error == "not an image");
    add_failure(stack, g, "page 3: truncated");
    CHECK(app().rows.back().name == "cells.tif");
    CHECK(app().rows.back().error == "page 3: truncated");
}

TEST_CASE("a batch's outputs reach its rows, scored by the core", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    std::vector<int> rows;
    for (int i = 0; i < 5; ++i) rows.push_back(decoded_file("f" + std::to_string(i) + ".png"));
    const int waiting = decoded_file("later.png");
    const int ticket = batch_sent(rows);
    for (int r : rows) CHECK(app().rows[static_cast<std::size_t>(r)].status == FileRow::Status::Scoring);
    const Outputs o = outputs_for(card, kBatchSize, 1);  // a full batch: zeros after the last file
    batch_done(ticket + 1, o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());  // not this batch's ticket
    CHECK(app().rows[0].status == FileRow::Status::Scoring);
    batch_done(ticket, o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const FileRow& r = app().rows[static_cast<std::size_t>(rows[i])];
        REQUIRE(r.status == FileRow::Status::Scored);
        const stratum::LatentScore expected = stratum::score_outputs(
            o.latents.data() + i * static_cast<std::size_t>(o.dims), static_cast<std::size_t>(o.dims),
            extras_of(card, o, static_cast<int>(i)), card, app().score_choice, app().threshold.value);
        CHECK(r.norm == expected.norm);
        CHECK(r.score == expected.score);
        CHECK(r.raw == expected.raw);
        CHECK(r.latent == std::vector<float>(o.latents.begin() + static_cast<std::ptrdiff_t>(i) * o.dims,
                                             o.latents.begin() + static_cast<std::ptrdiff_t>(i + 1) * o.dims));
        double pc[2];
        stratum::project(card.projection, r.latent.data(), pc);
        CHECK(r.pc[0] == pc[0]);
        CHECK(r.pc[1] == pc[1]);
    }
    CHECK(app().rows[static_cast<std::size_t>(waiting)].status == FileRow::Status::Queued);
    CHECK(app().progress.done == 5);
    // The last file, alone: the wave ends and the progress starts again.
    const int last = batch_sent({waiting});
    batch_done(last, o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    CHECK(app().progress.total == 0);
    CHECK_FALSE(pipeline_busy());
}

TEST_CASE("an encoder answer of the wrong shape, or an error, fails the batch's rows with the reason", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    const int a = decoded_file("a.png"), b = decoded_file("b.png");
    const Outputs o = outputs_for(card, kBatchSize, 2);
    int ticket = batch_sent({a, b});
    batch_done(ticket, o.latents.data(), 1, o.dims, o.extras.data(), o.extras.size());
    CHECK(app().rows[0].status == FileRow::Status::Failed);
    CHECK(app().rows[0].error.find("the encoder returned 1 x") != std::string::npos);
    const int c = decoded_file("c.png");
    ticket = batch_sent({c});
    batch_failed(ticket, "table index is out of bounds");
    CHECK(app().rows[static_cast<std::size_t>(c)].error == "encoder failed: table index is out of bounds");
    // Non-finite outputs: refused by the core, row by row.
    const int d = decoded_file("d.png");
    Outputs bad = outputs_for(card, kBatchSize, 3);
    bad.latents[0] = NAN;
    ticket = batch_sent({d});
    batch_done(ticket, bad.latents.data(), bad.n, bad.dims, bad.extras.data(), bad.extras.size());
    CHECK(app().rows[static_cast<std::size_t>(d)].status == FileRow::Status::Failed);
}

TEST_CASE("cancel keeps the batch with the encoder; clear forgets it", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    const int sent = decoded_file("sent.png");
    const int queued = add_file("queued.png", "queued.png", "queued.png", 0);
    const int g = generation();
    const int ticket = batch_sent({sent});
    cancel_pipeline();
    CHECK(generation() == g + 1);
    CHECK(app().rows[static_cast<std::size_t>(queued)].status == FileRow::Status::Cancelled);
    CHECK(add_page(queued, g, 0, 1, input_values(card), nullptr, 0, "") == -1);  // decoded after the cancel
    const Outputs o = outputs_for(card, kBatchSize, 4);
    batch_done(ticket, o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    CHECK(app().rows[static_cast<std::size_t>(sent)].status == FileRow::Status::Scored);

    const int again = decoded_file("again.png");
    const int second = batch_sent({again});
    clear_rows();
    CHECK(app().rows.empty());
    const int fresh = decoded_file("fresh.png");  // row 0 again: the old answer must not land on it
    batch_done(second, o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    CHECK(app().rows[static_cast<std::size_t>(fresh)].status == FileRow::Status::Queued);
    CHECK(app().rows[static_cast<std::size_t>(fresh)].id > 2);  // ids are never reused (texture cache)
}

TEST_CASE("a file already in the table is not added again; Clear forgets the files", "[web]") {
    fresh_page();
    CHECK(add_file("a.png", "a.png", "a.png\n100", 0) == 0);
    CHECK(add_file("a.png", "a.png", "a.png\n100", 0) == -1);
    CHECK(add_file("a.png", "a.png", "a.png\n101", 0) == 1);  // another file of that name
    CHECK(add_file("a.png", "a.png", "a.png\n100", 0) == -1);
    CHECK(app().rows.size() == 2);
    CHECK(app().notice == "2 files were already in the table (same name and size) and not added again");
    CHECK(app().progress.total == 2);
    const int before = clears();
    app().view.order = {0, 1};
    std::snprintf(app().view.filter, sizeof app().view.filter, "a.png");
    clear_rows();
    CHECK(clears() == before + 1);
    CHECK(app().view.order.empty());  // the table says "0 shown of 0", not the old count
    CHECK(app().view.filter[0] == 0);
    CHECK(add_file("a.png", "a.png", "a.png\n100", 0) == 0);
}

TEST_CASE("labels from a CSV, by path or by name, ambiguity reported", "[web]") {
    fresh_page();
    decoded_file("drop/a/x.png", "a/x.png");
    decoded_file("drop/b/x.png", "b/x.png");
    decoded_file("drop/b/y.png", "b/y.png");
    CHECK(load_labels("file,label\ndrop/a/x.png,anomalous\ny.png,normal\nx.png,normal\n") == "");
    CHECK(app().rows[0].label_text == "anomalous");
    CHECK(app().rows[0].label == stratum::Label::Anomalous);
    CHECK(app().rows[2].label_text == "normal");
    CHECK(app().notice.find("ambiguous") != std::string::npos);
    const std::string refused = load_labels("this is not,a labels\nfile\"");
    CHECK(refused.rfind("labels CSV refused: ", 0) == 0);
    CHECK(app().notice == refused);
}

TEST_CASE("a new model replaces the old only when its graph matches, and clears the old rows", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    decoded_file("x.png");
    const std::string name = card.name;
    CHECK(load_card("broken.json", "{") != "");
    CHECK(app().model.card.name == name);
    REQUIRE(load_card("other", read_file(STRATUM_WEB_TEST_CARD)) == "");
    const nlohmann::json probe = {{"sha256", "00"}, {"input_name", card.input_name}, {"output_names", {card.output_name}},
                                  {"run_error", ""}, {"outputs", nlohmann::json::array()}};
    const std::string why = check_graph(probe.dump());
    CHECK(why.find("sha256") != std::string::npos);
    CHECK(app().model.error == why);
    CHECK(model_ready("wasm", 1, "") == "no model card is loaded");  // the refused candidate is gone
    CHECK(app().rows.size() == 1);
    REQUIRE(load_card("other", read_file(STRATUM_WEB_TEST_CARD)) == "");
    CHECK(model_ready("webgpu", 1, "faster here") == "");
    CHECK(app().rows.empty());
    CHECK(app().notice.find("model changed") != std::string::npos);
    CHECK(clears() == 1);
    CHECK(app().model.backend == "webgpu");
    CHECK(app().model.backend_note == "faster here");
}

TEST_CASE("what the workers decode for, the progress, and the downloads in the CLI's vocabulary", "[web]") {
    app() = AppState{};
    CHECK(input_spec_json().empty());  // no model yet: nothing is decoded
    const stratum::ModelCard& card = fresh_page();
    const nlohmann::json spec = nlohmann::json::parse(input_spec_json());
    CHECK(spec.at("channels") == card.input.channels);
    CHECK(spec.at("batch") == kBatchSize);
    CHECK(spec.at("window").at("hi") == card.input.window.hi);
    app().window_overridden = true;
    app().window_override = stratum::parse_window("0:4095", stratum::SampleType::Float32, "window");
    CHECK(nlohmann::json::parse(input_spec_json()).at("window").at("hi") == 4095.0);
    app().window_overridden = false;

    const int a = decoded_file("drop/normal/a.png", "normal/a.png");
    const int b = add_file("b.png", "b.png", "b.png", 0);
    decode_failed(b, generation(), "not an image");
    const Outputs o = outputs_for(card, kBatchSize, 5);
    batch_done(batch_sent({a}), o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    const nlohmann::json progress = nlohmann::json::parse(progress_json());
    CHECK(progress.at("rows") == 2);
    CHECK(progress.at("finished") == 2);
    CHECK(progress.at("busy") == false);

    const std::string csv = results_csv();
    const std::string header = csv.substr(0, csv.find('\n'));
    CHECK(header.rfind("file,norm,score,verdict,label,error,", 0) == 0);
    CHECK(header.find(",pc1,pc2,input_range,note,model,score_name,threshold") != std::string::npos);
    CHECK(csv.find("\nb.png,") != std::string::npos);
    CHECK(csv.find("not an image") != std::string::npos);
    const std::string tsv = latents_tsv();
    CHECK(tsv.rfind("file\tz1\t", 0) == 0);
    CHECK(std::count(tsv.begin(), tsv.end(), '\n') == 2);  // the header and the scored file
    const nlohmann::json results = nlohmann::json::parse(results_json());
    CHECK(results.at("rows").size() == 2);
    CHECK(results.at("rows")[0].at("label") == "normal");
    CHECK(results.at("input_range") == stratum::window_text(card.input.window));
}

TEST_CASE("the histogram's axis shows where most scores lie; far-out ones are counted at the edges", "[web]") {
    // 200 scores between -2 and 3, one at 277 (the CIFAR-10 model's outlier that squashed the bars).
    std::vector<double> values;
    for (int i = 0; i < 200; ++i) values.push_back(-2.0 + 5.0 * i / 199.0);
    values.push_back(277.0);
    const HistogramAxis a = histogram_axis(values, 3.5);
    CHECK(a.lo < -2.0);
    CHECK(a.lo > -3.0);
    CHECK(a.hi >= 3.5);   // the threshold is inside
    CHECK(a.hi < 10.0);   // not stretched to 277
    CHECK(a.above == 1);
    CHECK(a.below == 0);
    REQUIRE(a.ticks.size() >= 3);
    CHECK(a.ticks.size() <= 6);
    for (std::size_t i = 0; i < a.ticks.size(); ++i) {
        CHECK(a.ticks[i] >= a.lo);
        CHECK(a.ticks[i] <= a.hi);
        if (i) CHECK(a.ticks[i] - a.ticks[i - 1] == Approx(a.ticks[1] - a.ticks[0]));
    }
    CHECK(a.ticks[1] - a.ticks[0] == Approx(2.0));  // a 1-2-5 step
    CHECK(a.decimals == 0);

    // A moderate spread keeps every score in range; a far-out threshold is still shown.
    const HistogramAxis whole = histogram_axis({0.1, 0.2, 0.25, 0.4}, 1.0);
    CHECK(whole.below == 0);
    CHECK(whole.above == 0);
    CHECK(whole.hi >= 1.0);
    CHECK(whole.decimals == 1);
    // No scores yet, and NaN skipped.
    const HistogramAxis empty = histogram_axis({NAN}, 2.0);
    CHECK(empty.lo < 2.0);
    CHECK(empty.hi > 2.0);
    CHECK(empty.below + empty.above == 0);
}

TEST_CASE("the strata view starts its radius below the smallest norm and rings the training quantiles", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    const std::vector<double> norms = shown_norms();
    REQUIRE(norms.size() == card.projection_sample.size());
    const StrataAxis a = strata_axis(norms, card.calibration);
    const double smallest = *std::min_element(norms.begin(), norms.end());
    const double largest = *std::max_element(norms.begin(), norms.end());
    CHECK(a.inner > 0);               // not the origin: the norms sit far from it (1.6-2.3 for this model)
    CHECK(a.inner < smallest);
    CHECK(a.inner > smallest - 0.5 * (largest - smallest));
    REQUIRE(a.rings.size() == 3);
    CHECK(a.rings[0].label == "5 %");
    CHECK(a.rings[1].label == "median");
    CHECK(a.rings[1].norm == Approx(card.calibration.median).margin(1e-6));
    CHECK(a.rings[2].label == "95 %");
    CHECK(a.rings[0].norm < a.rings[1].norm);
    CHECK(a.rings[1].norm < a.rings[2].norm);
    // Levels the card does not store are named by the nearest it does.
    stratum::Calibration coarse;
    coarse.levels = {0.1, 0.5, 0.9};
    coarse.quantiles = {1.0, 2.0, 3.0};
    const StrataAxis c = strata_axis({0.5, 4.0}, coarse);
    CHECK(c.inner == Approx(0.15));
    REQUIRE(c.rings.size() == 3);
    CHECK(c.rings[0].label == "10 %");
    CHECK(c.rings[2].label == "90 %");
}

TEST_CASE("the report is one self-contained HTML file, every outside text escaped", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    std::vector<int> rows = {decoded_file("drop/normal/a.png", "normal/a.png"),
                             decoded_file("drop/anomalous/<script>alert(1)</script>.png", "anomalous/<script>alert(1)</script>.png"),
                             decoded_file("drop/normal/b&c.png", "normal/b&c.png")};
    const int broken = add_file("drop/x\"y.png", "x\"y.png", "x", 0);
    decode_failed(broken, generation(), "not an image <b>");
    const Outputs o = outputs_for(card, kBatchSize, 6);
    batch_done(batch_sent(rows), o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    const std::string html = report_html();
    CHECK(html.rfind("<!doctype html>", 0) == 0);
    CHECK(html.find("<script") == std::string::npos);  // the hostile name is text, not markup
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;.png") != std::string::npos);
    CHECK(html.find("b&amp;c.png") != std::string::npos);
    CHECK(html.find("x&quot;y.png: not an image &lt;b&gt;") != std::string::npos);
    CHECK(html.find(stratum::threshold_meaning(threshold_choice())) != std::string::npos);
    CHECK(html.find("AUROC <b>") != std::string::npos);  // labels of both kinds
    CHECK(std::count(html.begin(), html.end(), '\n') == 1);
    std::size_t images = 0;
    for (std::size_t at = 0; (at = html.find("src=\"data:image/png;base64,", at)) != std::string::npos; ++at) ++images;
    CHECK(images == 3);
    CHECK(html.find("<svg") != std::string::npos);
    // Nothing fetched from anywhere: no URL but data URIs.
    CHECK(html.find("http") == std::string::npos);
    CHECK(html.find("src=\"") == html.find("src=\"data:"));
}

TEST_CASE("a file that failed or was cancelled can be tried again in its row", "[web]") {
    fresh_page();
    const int failed = add_file("f.png", "f.png", "f.png\n1", 0);
    decode_failed(failed, generation(), "could not read the file");
    const int cancelled = add_file("c.png", "c.png", "c.png\n1", 0);
    cancel_pipeline();
    CHECK(app().rows[static_cast<std::size_t>(cancelled)].status == FileRow::Status::Cancelled);
    CHECK(add_file("f.png", "f.png", "f.png\n1", 0) == failed);
    CHECK(add_file("c.png", "c.png", "c.png\n1", 0) == cancelled);
    CHECK(app().rows.size() == 2);
    CHECK(app().rows[static_cast<std::size_t>(failed)].status == FileRow::Status::Queued);
    CHECK(app().rows[static_cast<std::size_t>(failed)].error.empty());
    CHECK(app().progress.total == 2);
    CHECK(add_file("f.png", "f.png", "f.png\n1", 0) == -1);  // now on its way: not twice
}

TEST_CASE("maps are made only for what is shown, come back by row id, and are drawn by the core", "[web]") {
    const stratum::ModelCard& card = fresh_page();
    REQUIRE(card.maps.size() == 3);  // the shipped model: pixel, feature_16, feature_4
    const int pixel = stratum::map_index(card, "pixel");
    std::vector<int> rows;
    for (int i = 0; i < 3; ++i) rows.push_back(decoded_file("m" + std::to_string(i) + ".png"));
    const int queued = decoded_file("queued.png");
    const Outputs o = outputs_for(card, kBatchSize, 3);
    batch_done(batch_sent(rows), o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    CHECK_FALSE(maps_wanted());
    want_map(static_cast<std::size_t>(queued));  // not scored: no map
    CHECK_FALSE(maps_wanted());
    want_map(0);
    want_map(1);
    REQUIRE(maps_wanted());
    const nlohmann::json requests = nlohmann::json::parse(take_map_requests());
    REQUIRE(requests.size() == 2);
    CHECK(requests[0]["key"] == "m0.png");
    CHECK(requests[0]["page"] == 0);
    CHECK(requests[0]["side"] == stratum::kMapViewSide);
    CHECK_FALSE(maps_wanted());
    CHECK(nlohmann::json::parse(take_map_requests()).empty());  // taken once

    // Row 0's outputs: every position at its training median except one pixel at median + 10 spreads.
    const std::uint64_t id0 = app().rows[0].id;
    const std::vector<std::uint8_t> view(4 * 2 * 3, 200);
    const double crop[4] = {1, 0, 2, 2};
    const std::vector<float> reconstructed(input_values(card), 0.0f);
    std::vector<float> raw;
    for (const stratum::MapSpec& m : card.maps)
        for (double v : m.median) raw.push_back(static_cast<float>(v));
    const std::size_t hot = 5 * 32 + 7;  // row 5, column 7 of the 32 x 32 pixel map (the first)
    raw[hot] = static_cast<float>(card.maps[0].median[hot] + 10 * card.maps[0].spread[hot]);
    map_done(id0, view.data(), 4, 2, crop, reconstructed.data(), reconstructed.size(), raw.data(), raw.size());
    MapEntry* e = map_entry(id0);
    REQUIRE(e != nullptr);
    REQUIRE(e->status == MapEntry::Status::Ready);
    const std::vector<float> values = map_values(*e, pixel);
    REQUIRE(values.size() == 32u * 32u);
    for (std::size_t i = 0; i < values.size(); ++i) CHECK(values[i] == Approx(i == hot ? 10.0 : 0.0).margin(1e-4));
    maps().choice = pixel;
    draw_map_images(*e);
    CHECK((e->overlay.width == 4 && e->overlay.height == 2));
    CHECK(e->overlay.pixels[0] == 100);  // outside the crop: dimmed
    CHECK((e->reconstruction.width == 4 && e->reconstruction.pixels[0] == 128));
    CHECK(e->values == values);  // what the viewer rings and reports, made with the overlay
    // Another map: the values follow the choice.
    const int other = pixel == 0 ? 1 : 0;
    maps().choice = other;
    draw_map_images(*e);
    CHECK(e->values == map_values(*e, other));
    CHECK(*std::max_element(e->values.begin(), e->values.end()) == Approx(0.0).margin(1e-4));
    maps().choice = pixel;
    draw_map_images(*e);
    CHECK(e->values == values);
    // A wrong size fails the entry; a failure says why; an answer for a row that is gone is ignored.
    const std::uint64_t id1 = app().rows[1].id;
    map_done(id1, view.data(), 4, 2, crop, reconstructed.data(), reconstructed.size() - 1, raw.data(), raw.size());
    CHECK(map_entry(id1)->status == MapEntry::Status::Failed);
    CHECK_THAT(map_entry(id1)->error, Catch::Contains("sizes"));
    map_failed(id1, "could not read the file again");
    CHECK(map_entry(id1)->error == "could not read the file again");
    map_done(9999, view.data(), 4, 2, crop, reconstructed.data(), reconstructed.size(), raw.data(), raw.size());
    CHECK(map_entry(9999) == nullptr);
    // The probe gives the chosen map's values of a row.
    const nlohmann::json probe = nlohmann::json::parse(maps_json(0));
    CHECK(probe["values"].size() == 32u * 32u);
    CHECK(probe["values"][hot].get<double>() == Approx(10.0).margin(1e-4));

    // The gallery's order: the highest scores first.
    const std::vector<std::size_t> top = top_rows(2);
    REQUIRE(top.size() == 2);
    CHECK(app().rows[top[0]].score >= app().rows[top[1]].score);
    for (int r : rows)
        if (std::find(top.begin(), top.end(), static_cast<std::size_t>(r)) == top.end())
            CHECK(app().rows[static_cast<std::size_t>(r)].score <= app().rows[top[1]].score);

    // The report shows the maps made for its most anomalous files.
    for (std::size_t row : top_rows(kGalleryFiles)) {
        want_map(row);
        map_done(app().rows[row].id, view.data(), 4, 2, crop, reconstructed.data(), reconstructed.size(), raw.data(), raw.size());
    }
    const std::string html = report_html();
    CHECK_THAT(html, Catch::Contains("<h2>Maps of the 3 highest scores</h2>"));
    // Each caption gives the file's verdict and where its largest map value stands.
    for (std::size_t row : top_rows(kGalleryFiles))
        CHECK_THAT(html, Catch::Contains(app().rows[row].name + ": score ") &&
                             Catch::Contains(is_flagged(app().rows[row]) ? "(<span class=\"flag\">anomalous</span>)" : " (normal)"));
    CHECK_THAT(html, Catch::Contains(std::string("largest map value 10.000 (") +
                                     (10.0 >= card.maps[static_cast<std::size_t>(pixel)].threshold ? "above" : "below") +
                                     " the map's threshold)"));
    std::size_t maps_in_report = 0;
    for (std::size_t at = html.find("class=\"map\""); at != std::string::npos; at = html.find("class=\"map\"", at + 1)) ++maps_in_report;
    CHECK(maps_in_report == 3);

    // At most kMaxMapEntries are kept: the least recently shown go first; Clear forgets them all.
    for (std::size_t i = 0; i < kMaxMapEntries + 10; ++i) rows.push_back(decoded_file("n" + std::to_string(i) + ".png"));
    std::vector<int> more(rows.begin() + 3, rows.end());
    for (std::size_t at = 0; at < more.size(); at += kBatchSize) {
        const std::vector<int> part(more.begin() + static_cast<long>(at), more.begin() + static_cast<long>(std::min(more.size(), at + kBatchSize)));
        batch_done(batch_sent(part), o.latents.data(), o.n, o.dims, o.extras.data(), o.extras.size());
    }
    for (int r : more) want_map(static_cast<std::size_t>(r));
    take_map_requests();
    next_map_frame();
    next_map_frame();
    next_map_frame();
    CHECK(maps().entries.size() == kMaxMapEntries + 10);  // the first rows' entries went; requested ones wait for their answer
    for (int r : more)
        map_done(app().rows[static_cast<std::size_t>(r)].id, view.data(), 4, 2, crop, reconstructed.data(), reconstructed.size(), raw.data(), raw.size());
    next_map_frame();
    CHECK(maps().entries.size() == kMaxMapEntries);
    clear_rows();
    CHECK(maps().entries.empty());
}
