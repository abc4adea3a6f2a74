#include <catch2/catch.hpp>
#include <limits>

#include "graph_check.h"
#include "test_cards.h"

using namespace stratum;

namespace {
ModelCard probe_card() {
    ExtraScore second;
    second.name = second.output = "reconstruction";
    ModelCard card = test::card_with_second_score(second);
    card.onnx_sha256 = std::string(64, 'a');
    card.input.channels = 3;
    card.input.width = card.input.height = 32;
    return card;
}
// What a faithful graph of probe_card() reports.
GraphProbe good_probe() {
    GraphProbe p;
    p.sha256 = std::string(64, 'a');
    p.input_name = "image";
    p.output_names = {"latent", "feature", "reconstruction"};
    p.outputs = {{"latent", {2, 1}, true}, {"feature", {2}, true}, {"reconstruction", {2}, true}};
    return p;
}
}  // namespace

TEST_CASE("a graph is checked against its card, every way it can differ named", "[graph_check]") {
    const ModelCard card = probe_card();
    CHECK(graph_mismatch(card, good_probe()).empty());
    auto mismatch = [&](auto&& change) {
        GraphProbe p = good_probe();
        change(p);
        return graph_mismatch(card, p);
    };
    CHECK_THAT(mismatch([](GraphProbe& p) { p.sha256 = std::string(64, 'b'); }), Catch::Contains("is not the graph its card describes"));
    CHECK(mismatch([](GraphProbe& p) { p.sha256.clear(); }).empty());  // not read: not compared
    CHECK_THAT(mismatch([](GraphProbe& p) { p.input_name = "x"; }), Catch::Contains("the graph's input is \"x\", the card says \"image\""));
    CHECK_THAT(mismatch([](GraphProbe& p) { p.output_names = {"latent", "feature"}; }),
               Catch::Contains("no output \"reconstruction\" (the card's reconstruction score)"));
    CHECK(mismatch([](GraphProbe& p) { p.names_known = false; p.input_name = "x"; p.output_names.clear(); }).empty());
    CHECK_THAT(mismatch([](GraphProbe& p) { p.run_error = "Got invalid dimensions"; }),
               Catch::Contains("does not take the card's input (2 x 3 x 32 x 32): Got invalid dimensions"));
    CHECK_THAT(mismatch([](GraphProbe& p) { p.outputs[0].dims = {2, 5}; }),
               Catch::Contains("latent has shape [2, 5] for 2 images; the card says 1 values per image"));
    CHECK_THAT(mismatch([](GraphProbe& p) { p.outputs[0].finite = false; }), Catch::Contains("NaN or infinite latents"));
    CHECK_THAT(mismatch([](GraphProbe& p) { p.outputs[2].dims = {2, 4}; }),
               Catch::Contains("reconstruction output has shape [2, 4] for 2 images; the card says 1 value(s) per image"));
    CHECK_THAT(mismatch([](GraphProbe& p) { p.outputs[1].finite = false; }),
               Catch::Contains("NaN or infinite feature values"));
    CHECK_THAT(mismatch([](GraphProbe& p) { p.outputs.pop_back(); }), Catch::Contains("gave no \"reconstruction\""));
}

TEST_CASE("a card with maps needs the graph's reconstruction and map outputs", "[graph_check]") {
    ModelCard card = probe_card();
    MapSpec map;
    map.name = "pixel";
    map.output = "map_pixel";
    map.width = map.height = 2;
    card.maps = {map};
    GraphProbe p = good_probe();
    CHECK_THAT(graph_mismatch(card, p), Catch::Contains("no output \"reconstructed\" (the card's maps need it)"));
    p.output_names.push_back("reconstructed");
    CHECK_THAT(graph_mismatch(card, p), Catch::Contains("no output \"map_pixel\""));
    p.output_names.push_back("map_pixel");
    CHECK(graph_mismatch(card, p).empty());
}
