// The encoder as an ONNX graph (opset 17) and back: the equalized-learning-rate scale is folded
// into the exported weights, and divided out again when a graph is loaded into the libtorch module.
// Torch and ONNX headers: trainer-side files only.
#pragma once
#include <onnx/onnx_pb.h>

#include "networks.h"

namespace stratum::train {

// E at its final resolution, input "image" [N,C,R,R] in [-1,1], output "latent" [N,L], dynamic N.
::onnx::ModelProto encoder_to_onnx(Encoder& encoder, const std::string& doc);
// Fills `encoder` (built for the same NetConfig) with the graph's weights; throws stratum::Error when
// a weight is missing or its shape differs.
void encoder_from_onnx(Encoder& encoder, const ::onnx::ModelProto& model);

}  // namespace stratum::train
