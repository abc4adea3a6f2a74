#include "encoder_onnx.h"

#include <onnx/checker.h>

#include "error.h"
#include "onnx_graph.h"

namespace stratum::train {
namespace {

// One layer of E at its final resolution, in graph order; every layer is followed by LeakyRelu 0.2.
struct Layer {
    std::string name;
    torch::Tensor weight, bias;
    double scale;
    bool dense;       // Gemm (after Flatten) instead of Conv
    bool pool_after;  // 2x2 average pool after the activation
};

std::vector<Layer> layers_of(Encoder& e) {
    TrunkImpl& t = *e->trunk;
    const int final_stage = e->net.stages();
    std::vector<Layer> layers;
    auto conv = [&](const std::string& name, EqualizedConv2d& c, bool pool) {
        layers.push_back({name, c->weight, c->bias, c->scale, false, pool});
    };
    const std::string top = std::to_string(4 << (final_stage - 1));
    conv("from_rgb" + top, t.from_rgb[final_stage - 1], false);
    for (int s = final_stage; s >= 2; --s) {
        const std::string res = std::to_string(4 << (s - 1));
        conv("conv" + res, t.conv[s - 1], false);
        conv("conv_down" + res, t.conv_down[s - 1], true);
    }
    conv("conv4", t.conv4, false);
    layers.push_back({"dense", e->dense->weight, e->dense->bias, e->dense->scale, true, false});
    return layers;
}

std::vector<float> to_floats(const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

}  // namespace

::onnx::ModelProto encoder_to_onnx(Encoder& e, const std::string& doc) {
    torch::NoGradGuard no_grad;
    const NetConfig& net = e->net;
    ::onnx::ModelProto model;
    model.set_ir_version(8);
    model.set_producer_name("stratum export");
    model.set_doc_string(doc);
    ::onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(17);
    ::onnx::GraphProto& g = *model.mutable_graph();
    g.set_name("stratum_encoder");
    onnx_graph::add_float_io(g.add_input(), "image", {net.channels, net.resolution, net.resolution});
    onnx_graph::add_float_io(g.add_output(), "latent", {net.latent});
    std::string x = "image";
    const std::vector<Layer> layers = layers_of(e);
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const Layer& l = layers[i];
        std::vector<std::int64_t> dims(l.weight.sizes().begin(), l.weight.sizes().end());
        onnx_graph::add_initializer(g, l.name + ".weight", dims, to_floats(l.weight * l.scale));
        onnx_graph::add_initializer(g, l.name + ".bias", {l.bias.size(0)}, to_floats(l.bias));
        const std::string pre = l.name + ".pre", act = i + 1 == layers.size() ? "latent" : l.name + ".act";
        if (l.dense) {
            onnx_graph::set_int(onnx_graph::add_node(g, "Flatten", {x}, {"flat"}), "axis", 1);
            onnx_graph::set_int(onnx_graph::add_node(g, "Gemm", {"flat", l.name + ".weight", l.name + ".bias"}, {pre}),
                                "transB", 1);
        } else {
            const std::int64_t k = l.weight.size(2), pad = k / 2;
            ::onnx::NodeProto* n = onnx_graph::add_node(g, "Conv", {x, l.name + ".weight", l.name + ".bias"}, {pre});
            onnx_graph::set_ints(n, "kernel_shape", {k, k});
            onnx_graph::set_ints(n, "pads", {pad, pad, pad, pad});
        }
        onnx_graph::set_float(onnx_graph::add_node(g, "LeakyRelu", {pre}, {act}), "alpha", 0.2f);
        x = act;
        if (l.pool_after) {
            ::onnx::NodeProto* p = onnx_graph::add_node(g, "AveragePool", {x}, {l.name + ".pool"});
            onnx_graph::set_ints(p, "kernel_shape", {2, 2});
            onnx_graph::set_ints(p, "strides", {2, 2});
            x = l.name + ".pool";
        }
    }
    try {
        ::onnx::checker::check_model(model);
    } catch (const std::exception& ex) {
        throw Error(std::string("the ONNX checker refused the exported graph: ") + ex.what());
    }
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
    torch::NoGradGuard no_grad;
    std::map<std::string, const ::onnx::TensorProto*> weights;
    for (const ::onnx::TensorProto& t : model.graph().initializer()) weights[t.name()] = &t;
    auto assign = [&](const std::string& name, torch::Tensor target, double scale) {
        const auto it = weights.find(name);
        if (it == weights.end()) throw Error("the graph has no weight \"" + name + "\": not a stratum encoder of this shape");
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
    for (const Layer& l : layers_of(e)) {
        assign(l.name + ".weight", l.weight, l.scale);
        assign(l.name + ".bias", l.bias, 1.0);
    }
}

}  // namespace stratum::train
