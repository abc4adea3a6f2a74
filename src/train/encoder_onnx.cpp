#include "encoder_onnx.h"

#include <onnx/checker.h>

#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "error.h"
#include "onnx_graph.h"
#include "map_heads.h"
#include "score_heads.h"

namespace stratum::train {
namespace {

// One layer at its final resolution, in graph order. Initializers are named prefix + name.
struct Layer {
    std::string name;
    torch::Tensor weight, bias;
    double scale;
    bool dense = false;           // Gemm (after Flatten, unless reshape_to) instead of Conv
    bool leaky = true;            // LeakyRelu 0.2 after the layer
    bool pixel_norm = false;      // pixel norm after the activation (G)
    bool upsample_before = false; // nearest x2 before the layer (G)
    bool pool_after = false;      // 2x2 average pool at the end (trunks)
    bool mbstd_before = false;    // the constant minibatch-stddev channel of a group of one (D's conv4)
    std::int64_t reshape_to = 0;  // dense output viewed as [N, reshape_to, 4, 4] (G's first layer)
};

Layer conv_layer(const std::string& name, EqualizedConv2d& c) { return {name, c->weight, c->bias, c->scale}; }
Layer dense_layer(const std::string& name, EqualizedLinear& l) {
    Layer layer{name, l->weight, l->bias, l->scale};
    layer.dense = true;
    return layer;
}

// E's and D's shared trunk, from the image to the 4x4 features.
std::vector<Layer> trunk_layers(TrunkImpl& t) {
    const int final_stage = t.net.stages();
    std::vector<Layer> layers;
    layers.push_back(conv_layer("from_rgb" + std::to_string(4 << (final_stage - 1)), t.from_rgb[final_stage - 1]));
    for (int s = final_stage; s >= 2; --s) {
        const std::string res = std::to_string(4 << (s - 1));
        layers.push_back(conv_layer("conv" + res, t.conv[s - 1]));
        layers.push_back(conv_layer("conv_down" + res, t.conv_down[s - 1]));
        layers.back().pool_after = true;
    }
    layers.push_back(conv_layer("conv4", t.conv4));
    layers.back().mbstd_before = t.use_mbstd;
    return layers;
}

std::vector<Layer> encoder_layers(Encoder& e) {
    std::vector<Layer> layers = trunk_layers(*e->trunk);
    layers.push_back(dense_layer("dense", e->dense));
    return layers;
}

std::vector<Layer> generator_layers(Generator& g) {
    const int final_stage = g->net.stages();
    std::vector<Layer> layers;
    layers.push_back(dense_layer("dense", g->dense));
    layers.back().reshape_to = g->net.width_at(4);
    layers.back().pixel_norm = true;
    layers.push_back(conv_layer("conv4", g->conv4));
    layers.back().pixel_norm = true;
    for (int s = 2; s <= final_stage; ++s) {
        const std::string res = std::to_string(4 << (s - 1));
        layers.push_back(conv_layer("up_conv" + res, g->up_conv[s - 1]));
        layers.back().upsample_before = layers.back().pixel_norm = true;
        layers.push_back(conv_layer("conv" + res, g->conv[s - 1]));
        layers.back().pixel_norm = true;
    }
    layers.push_back(conv_layer("to_rgb" + std::to_string(4 << (final_stage - 1)), g->to_rgb[final_stage - 1]));
    layers.back().leaky = false;
    return layers;
}

std::vector<float> to_floats(const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

// Builds one graph; node outputs are named after `tag` (one per use of a layer list), weights after
// `prefix` (shared when a list is used twice, as D's trunk is).
class GraphBuilder {
public:
    explicit GraphBuilder(::onnx::GraphProto& g) : g_(g) {}

    void weights(const std::string& prefix, const std::vector<Layer>& layers) {
        for (const Layer& l : layers) {
            std::vector<std::int64_t> dims(l.weight.sizes().begin(), l.weight.sizes().end());
            onnx_graph::add_initializer(g_, prefix + l.name + ".weight", dims, to_floats(l.weight * l.scale));
            onnx_graph::add_initializer(g_, prefix + l.name + ".bias", {l.bias.size(0)}, to_floats(l.bias));
        }
    }

    // Runs `layers` on `x`; the last value is renamed `out` when given. Returns the output's name.
    std::string layers(const std::string& prefix, const std::string& tag, std::string x, const std::vector<Layer>& layers,
                       const std::string& out = "") {
        for (std::size_t i = 0; i < layers.size(); ++i) {
            const Layer& l = layers[i];
            const std::string at = tag + l.name, w = prefix + l.name;
            if (l.upsample_before) x = upsample(x, at + ".up");
            if (l.mbstd_before) x = with_mbstd_channel(x, at + ".mbstd");
            const bool last = i + 1 == layers.size() && !out.empty();
            const std::string pre = last && !l.leaky ? out : at + ".pre";
            if (l.dense) {
                std::string flat = x;
                if (!l.reshape_to) onnx_graph::set_int(onnx_graph::add_node(g_, "Flatten", {x}, {flat = at + ".flat"}), "axis", 1);
                const std::string gemm = l.reshape_to ? at + ".gemm" : pre;
                onnx_graph::set_int(onnx_graph::add_node(g_, "Gemm", {flat, w + ".weight", w + ".bias"}, {gemm}), "transB", 1);
                if (l.reshape_to) onnx_graph::add_node(g_, "Reshape", {gemm, shape4(l.reshape_to)}, {pre});
            } else {
                const std::int64_t k = l.weight.size(2), pad = k / 2;
                ::onnx::NodeProto* n = onnx_graph::add_node(g_, "Conv", {x, w + ".weight", w + ".bias"}, {pre});
                onnx_graph::set_ints(n, "kernel_shape", {k, k});
                onnx_graph::set_ints(n, "pads", {pad, pad, pad, pad});
            }
            x = pre;
            if (l.leaky) {
                const std::string act = last && !l.pixel_norm && !l.pool_after ? out : at + ".act";
                onnx_graph::set_float(onnx_graph::add_node(g_, "LeakyRelu", {x}, {act}), "alpha", 0.2f);
                x = act;
            }
            if (l.pixel_norm) x = pixel_norm(x, at + ".pn", last && !l.pool_after ? out : "");
            if (l.pool_after) {
                const std::string pooled = last ? out : at + ".pool";
                ::onnx::NodeProto* p = onnx_graph::add_node(g_, "AveragePool", {x}, {pooled});
                onnx_graph::set_ints(p, "kernel_shape", {2, 2});
                onnx_graph::set_ints(p, "strides", {2, 2});
                x = pooled;
            }
        }
        return x;
    }

    // Mean over every axis but the first: one value per image.
    std::string mean_abs_difference(const std::string& a, const std::string& b, const std::string& out) {
        onnx_graph::add_node(g_, "Sub", {a, b}, {out + ".diff"});
        onnx_graph::add_node(g_, "Abs", {out + ".diff"}, {out + ".abs"});
        ::onnx::NodeProto* n = onnx_graph::add_node(g_, "ReduceMean", {out + ".abs"}, {out});
        onnx_graph::set_ints(n, "axes", {1, 2, 3});
        onnx_graph::set_int(n, "keepdims", 0);
        return out;
    }

    // [N, C, H, W] -> [N, 1, H, W]: the mean over channels of |a - b| (map_heads.cpp's residual_map).
    std::string mean_abs_difference_over_channels(const std::string& a, const std::string& b, const std::string& out) {
        onnx_graph::add_node(g_, "Sub", {a, b}, {out + ".diff"});
        onnx_graph::add_node(g_, "Abs", {out + ".diff"}, {out + ".abs"});
        ::onnx::NodeProto* n = onnx_graph::add_node(g_, "ReduceMean", {out + ".abs"}, {out});
        onnx_graph::set_ints(n, "axes", {1});
        onnx_graph::set_int(n, "keepdims", 1);
        return out;
    }

    // [N, C, H, W] -> [N, 2C]: each channel's mean over positions, then its standard deviation
    // sqrt(mean (x - mean)^2), as score_heads.cpp's colour_features computes them.
    std::string mean_and_spread(const std::string& x, const std::string& out) {
        ::onnx::NodeProto* m = onnx_graph::add_node(g_, "ReduceMean", {x}, {out + ".mean4"});
        onnx_graph::set_ints(m, "axes", {2, 3});
        onnx_graph::set_int(m, "keepdims", 1);
        onnx_graph::add_node(g_, "Sub", {x, out + ".mean4"}, {out + ".centred"});
        onnx_graph::add_node(g_, "Mul", {out + ".centred", out + ".centred"}, {out + ".sq"});
        ::onnx::NodeProto* v = onnx_graph::add_node(g_, "ReduceMean", {out + ".sq"}, {out + ".var"});
        onnx_graph::set_ints(v, "axes", {2, 3});
        onnx_graph::set_int(v, "keepdims", 0);
        onnx_graph::add_node(g_, "Sqrt", {out + ".var"}, {out + ".sd"});
        onnx_graph::set_int(onnx_graph::add_node(g_, "Flatten", {out + ".mean4"}, {out + ".mean"}), "axis", 1);
        onnx_graph::set_int(onnx_graph::add_node(g_, "Concat", {out + ".mean", out + ".sd"}, {out}), "axis", 1);
        return out;
    }

    // [N, A], [N, B], ... -> [N, A + B + ...].
    std::string concat(const std::vector<std::string>& parts, const std::string& out) {
        onnx_graph::set_int(onnx_graph::add_node(g_, "Concat", parts, {out}), "axis", 1);
        return out;
    }

    // x / sqrt(mean over channels of x^2 + 1e-8); `x` may be [N, C] or [N, C, H, W].
    std::string pixel_norm(const std::string& x, const std::string& at, const std::string& out = "") {
        onnx_graph::add_node(g_, "Mul", {x, x}, {at + ".sq"});
        ::onnx::NodeProto* m = onnx_graph::add_node(g_, "ReduceMean", {at + ".sq"}, {at + ".ms"});
        onnx_graph::set_ints(m, "axes", {1});
        onnx_graph::set_int(m, "keepdims", 1);
        onnx_graph::add_node(g_, "Add", {at + ".ms", constant("pixel_norm.eps", 1e-8f)}, {at + ".mse"});
        onnx_graph::add_node(g_, "Sqrt", {at + ".mse"}, {at + ".rms"});
        const std::string result = out.empty() ? at : out;
        onnx_graph::add_node(g_, "Div", {x, at + ".rms"}, {result});
        return result;
    }

private:
    std::string constant(const std::string& name, float value) {
        if (first_use(name)) onnx_graph::add_initializer(g_, name, {}, {value});
        return name;
    }

    std::string shape4(std::int64_t channels) {
        const std::string name = "shape_" + std::to_string(channels) + "x4x4";
        if (first_use(name)) onnx_graph::add_int64_initializer(g_, name, {4}, {-1, channels, 4, 4});
        return name;
    }

    // Nearest neighbour, x2: output pixel i reads input pixel floor(i / 2), as torch's nearest does.
    std::string upsample(const std::string& x, const std::string& at) {
        if (first_use("scales_x2")) onnx_graph::add_initializer(g_, "scales_x2", {4}, {1.0f, 1.0f, 2.0f, 2.0f});
        ::onnx::NodeProto* n = onnx_graph::add_node(g_, "Resize", {x, "", "scales_x2"}, {at});
        onnx_graph::set_string(n, "mode", "nearest");
        onnx_graph::set_string(n, "coordinate_transformation_mode", "asymmetric");
        onnx_graph::set_string(n, "nearest_mode", "floor");
        return at;
    }

    // The minibatch-stddev channel for groups of one: sqrt(0 + 1e-8) everywhere (networks.cpp), made
    // from x so that it follows the dynamic batch size.
    std::string with_mbstd_channel(const std::string& x, const std::string& at) {
        ::onnx::NodeProto* m = onnx_graph::add_node(g_, "ReduceMean", {x}, {at + ".mean"});
        onnx_graph::set_ints(m, "axes", {1});
        onnx_graph::set_int(m, "keepdims", 1);
        onnx_graph::add_node(g_, "Mul", {at + ".mean", constant("mbstd.zero", 0.0f)}, {at + ".zero"});
        onnx_graph::add_node(g_, "Add", {at + ".zero", constant("mbstd.value", std::sqrt(1e-8f))}, {at + ".channel"});
        onnx_graph::set_int(onnx_graph::add_node(g_, "Concat", {x, at + ".channel"}, {at}), "axis", 1);
        return at;
    }

    // Shared initializers (constants, shapes, scales) go into the graph once, at their first use.
    bool first_use(const std::string& name) { return made_.insert(name).second; }

    ::onnx::GraphProto& g_;
    std::set<std::string> made_;
};

::onnx::ModelProto new_model(const std::string& graph_name, const std::string& doc, const NetConfig& net) {
    ::onnx::ModelProto model;
    model.set_ir_version(8);
    model.set_producer_name("stratum export");
    model.set_doc_string(doc);
    ::onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(17);
    ::onnx::GraphProto& g = *model.mutable_graph();
    g.set_name(graph_name);
    onnx_graph::add_float_io(g.add_input(), "image", {net.channels, net.resolution, net.resolution});
    onnx_graph::add_float_io(g.add_output(), "latent", {net.latent});
    return model;
}

void check(const ::onnx::ModelProto& model) {
    try {
        ::onnx::checker::check_model(model);
    } catch (const std::exception& ex) {
        throw Error(std::string("the ONNX checker refused the exported graph: ") + ex.what());
    }
}

// Copies the graph's weights named prefix + layer into the modules (dividing out the scale).
void load_layers(const ::onnx::ModelProto& model, const std::string& prefix, const std::vector<Layer>& layers) {
    torch::NoGradGuard no_grad;
    std::map<std::string, const ::onnx::TensorProto*> weights;
    for (const ::onnx::TensorProto& t : model.graph().initializer()) weights[t.name()] = &t;
    auto assign = [&](const std::string& name, torch::Tensor target, double scale) {
        const auto it = weights.find(name);
        if (it == weights.end()) throw Error("the graph has no weight \"" + name + "\": not a stratum model of this shape");
        const ::onnx::TensorProto& t = *it->second;
        std::vector<std::int64_t> dims(t.dims().begin(), t.dims().end());
        if (dims != std::vector<std::int64_t>(target.sizes().begin(), target.sizes().end()))
            throw Error("weight \"" + name + "\" has another shape than the card's architecture implies");
        if (t.data_type() != ::onnx::TensorProto::FLOAT || t.raw_data().size() != target.numel() * sizeof(float))
            throw Error("weight \"" + name + "\" is not stored as raw float32");
        torch::Tensor value = torch::empty(target.sizes(), torch::kFloat32);
        std::memcpy(value.data_ptr<float>(), t.raw_data().data(), t.raw_data().size());
        target.copy_(value / scale);
    };
    for (const Layer& l : layers) {
        assign(prefix + l.name + ".weight", l.weight, l.scale);
        assign(prefix + l.name + ".bias", l.bias, 1.0);
    }
}

}  // namespace

::onnx::ModelProto encoder_to_onnx(Encoder& e, const std::string& doc) {
    torch::NoGradGuard no_grad;
    ::onnx::ModelProto model = new_model("stratum_encoder", doc, e->net);
    GraphBuilder b(*model.mutable_graph());
    b.weights("", encoder_layers(e));
    b.layers("", "", "image", encoder_layers(e), "latent");
    check(model);
    return model;
}

::onnx::ModelProto scorer_to_onnx(Encoder& e, Generator& g, Critic& d, const std::string& doc) {
    torch::NoGradGuard no_grad;
    ::onnx::ModelProto model = new_model("stratum_scorer", doc, e->net);
    ::onnx::GraphProto& graph = *model.mutable_graph();
    const std::vector<std::int64_t> widths = extra_output_widths(e->net);
    for (std::size_t k = 0; k < extra_score_infos().size(); ++k) {
        const ExtraScoreInfo& info = extra_score_infos()[k];
        onnx_graph::add_float_io(graph.add_output(), info.output, info.reader == ScoreReader::Value
                                                                      ? std::vector<std::int64_t>{}
                                                                      : std::vector<std::int64_t>{widths[k]});
    }
    // The reconstruction and the anomaly maps (map_heads.h), for the images a front-end shows.
    onnx_graph::add_float_io(graph.add_output(), "reconstructed", {e->net.channels, e->net.resolution, e->net.resolution});
    const std::vector<MapInfo> maps = exported_maps(e->net);
    for (const MapInfo& m : maps) onnx_graph::add_float_io(graph.add_output(), m.output, {1, m.resolution, m.resolution});
    GraphBuilder b(graph);
    const std::vector<Layer> enc = encoder_layers(e), gen = generator_layers(g), trunk = trunk_layers(*d->trunk);
    b.weights("", enc);
    b.weights("G.", gen);
    b.weights("D.", trunk);
    b.layers("", "", "image", enc, "latent");
    const std::string z = b.pixel_norm("latent", "G.input.pn");
    b.layers("G.", "G.", z, gen, "reconstructed");
    b.mean_abs_difference("image", "reconstructed", "reconstruction");
    const std::string fx = b.layers("D.", "D(x).", "image", trunk);
    const std::string fr = b.layers("D.", "D(G).", "reconstructed", trunk);
    b.mean_abs_difference(fx, fr, "feature");
    b.mean_and_spread("D(x)." + trunk.front().name + ".act", "colour_features");
    // encoder_features: mean and spread of each activation of E's trunk (TrunkImpl::activations): after
    // from-RGB, after each halving (the pooled output), and conv4's 4x4 output.
    std::vector<std::string> levels;
    for (const Layer& l : trunk_layers(*e->trunk))
        if (l.name.rfind("from_rgb", 0) == 0 || l.name == "conv4")
            levels.push_back(b.mean_and_spread(l.name + ".act", "encoder_features." + l.name));
        else if (l.pool_after)
            levels.push_back(b.mean_and_spread(l.name + ".pool", "encoder_features." + l.name));
    b.concat(levels, "encoder_features");
    // Each map: the mean over channels of |a(x) - a(G(E(x)))| per position, for the image itself or the
    // critic trunk's activation at the map's level (the order of TrunkImpl::activations).
    std::vector<std::string> critic_levels;
    for (const Layer& l : trunk)
        if (l.name.rfind("from_rgb", 0) == 0 || l.name == "conv4")
            critic_levels.push_back(l.name + ".act");
        else if (l.pool_after)
            critic_levels.push_back(l.name + ".pool");
    for (const MapInfo& m : maps) {
        const std::string a = m.level < 0 ? "image" : "D(x)." + critic_levels.at(static_cast<std::size_t>(m.level));
        const std::string r = m.level < 0 ? "reconstructed" : "D(G)." + critic_levels.at(static_cast<std::size_t>(m.level));
        b.mean_abs_difference_over_channels(a, r, m.output);
    }
    check(model);
    return model;
}

void encoder_from_onnx(Encoder& e, const ::onnx::ModelProto& model) {
    // The graph must take the images its card describes: [N, C, R, R].
    if (model.graph().input_size() < 1) throw Error("the graph has no input");
    const auto& shape = model.graph().input(0).type().tensor_type().shape();
    const NetConfig& net = e->net;
    const std::vector<std::int64_t> card_dims{net.channels, net.resolution, net.resolution};
    for (int d = 1; d < shape.dim_size() && d <= 3; ++d)
        if (shape.dim(d).has_dim_value() && shape.dim(d).dim_value() != card_dims[static_cast<std::size_t>(d - 1)])
            throw Error("the graph takes other images than its card says (card: " + std::to_string(net.channels) + "x" +
                        std::to_string(net.resolution) + "x" + std::to_string(net.resolution) + ", graph dimension " +
                        std::to_string(d) + ": " + std::to_string(shape.dim(d).dim_value()) + ")");
    if (shape.dim_size() != 4) throw Error("the graph's input is not [N, C, H, W]");
    load_layers(model, "", encoder_layers(e));
}

void scorer_from_onnx(Generator& g, Critic& d, const ::onnx::ModelProto& model) {
    load_layers(model, "G.", generator_layers(g));
    load_layers(model, "D.", trunk_layers(*d->trunk));
}

}  // namespace stratum::train
