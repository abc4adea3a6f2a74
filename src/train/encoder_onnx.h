// The networks as one ONNX graph (opset 17) and back: the equalized-learning-rate scale is folded
// into the exported weights, and divided out again when a graph is loaded into the libtorch modules.
// Torch and ONNX headers: trainer-side files only.
#pragma once
#include <onnx/onnx_pb.h>

#include "networks.h"

namespace stratum::train {

// E at its final resolution, input "image" [N,C,R,R] in [-1,1], output "latent" [N,L], dynamic N.
::onnx::ModelProto encoder_to_onnx(Encoder& encoder, const std::string& doc);

// The same graph with the extra scores of score_heads.h as outputs "feature" [N] and "reconstruction"
// [N]: G (weights "G.*") and D's trunk (weights "D.*", minibatch stddev over groups of one) at their
// final resolution ride along, so that the page computes every score from one session.
::onnx::ModelProto scorer_to_onnx(Encoder& encoder, Generator& generator, Critic& critic, const std::string& doc);

// Fills `encoder` (built for the same NetConfig) with the graph's weights; throws stratum::Error when
// a weight is missing or its shape differs, or when the graph takes other images than the card says.
void encoder_from_onnx(Encoder& encoder, const ::onnx::ModelProto& model);
// Fills G and D's trunk from a graph made by scorer_to_onnx.
void scorer_from_onnx(Generator& generator, Critic& critic, const ::onnx::ModelProto& model);

}  // namespace stratum::train
