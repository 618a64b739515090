// Package onnx writes an evo network as an ONNX model for inference (opset 13, IR version 7),
// so that onnxruntime or any other ONNX runtime runs an evolved individual without evo.
//
// The graph follows train's evaluation graph operator by operator:
//
//   - input "input", float32 [N, C, H, W] (NCHW, N free). With Options.Mean and Options.Std
//     the graph starts with Sub and Div, (x − mean[c]) / std[c], and takes pixels/255;
//     without them the caller normalises, as train does before its first layer.
//   - a convolution edge is a Conv without bias, kernel [out, in, kh, kw] (odd, possibly
//     non-square), stride 2^s in both directions, and explicit pads that reproduce TensorFlow's
//     'SAME' rule: total = max((ceil(in/s) − 1)·s + k − in, 0) per axis, total/2 at the top
//     (left) and the rest, one more when total is odd, at the bottom (right).
//   - a bn_relu vertex is BatchNormalization with the running mean and variance (inference
//     mode, epsilon 1e-3 by default), then Relu; a linear vertex adds nothing.
//   - a skip input is resized by Gather along height and width with the exact row and column
//     indices train's skip op picks (ops.Nearest, the function that op calls: every f-th
//     position from the first, f a power of two), then its channels are cut with Slice or
//     zero-padded at the end with Pad, then Add sums it with the vertex's primary input,
//     before the activation.
//   - the head is GlobalAveragePool, Flatten and Gemm with the [C, classes] weights and the
//     bias: output "logits", float32 [N, classes] (no softmax).
//
// Every tensor of the checkpoint becomes an initializer named by its stable id ("e3.w",
// "v2.bn.mean", "h5.w"), so the file can be traced back to genome.json.
//
// Encoding. The protobuf is written field by field with google.golang.org/protobuf's protowire,
// field numbers from onnx.proto; no generated ONNX package is needed. Tensor data is raw
// little-endian bytes, repeated integers are packed.
//
// Verification. export_test.go decodes a model back with protowire and checks its structure.
// With EVO_ONNX=1 (scripts/ci/onnx.sh), ort_test.go exports four reference nets and 20 genomes
// grown by random mutation chains (skips, non-square filters, stride-2 convolutions, channel
// truncation and padding), all trained a few steps, runs 200 test images through train.Logits
// and through onnxruntime-node (scripts/onnxcheck), and requires a max |logit difference| of
// at most 1e-4 and identical predictions; the onnx package's checker must accept every file.
package onnx
