"""Stage `quantize-reader` (optional): the exported fp32 reader -> an int8 reader whose seven
convolutions run as ONNX QLinearConv (uint8 activations, int8 weights per output channel,
int32 bias), the BiLSTM and the classifier staying float. On CPUs with AVX512-VNNI (and AVX2)
ONNX Runtime's integer kernels do the convolutions, which are 85% of the reader's time.

Written with the `onnx` package alone (Debian's python3-onnx; onnxruntime's Python quantiser is
not installable offline here), in ONNX Runtime's QOperator form:
  image -> (x - 0.5) / 0.25 -> QuantizeLinear -> QLinearConv -> [MaxPool on uint8] -> ... ->
  QLinearConv -> DequantizeLinear -> LSTM ... (float)
Each convolution's ReLU is folded into its output quantisation (zero point 0, range [0, max]),
so the ReLU nodes go. Activation ranges come from the float model on calibration crops that
are training data only (the US tuning half, the Brazilian crops, a synthetic bank), never a
validation set: a high percentile of each ReLU's output. Weights use 7 bits (+-63), as ONNX
Runtime advises for u8s8 on AVX2 machines without VNNI (saturation of VPMADDUBSW).

  /usr/bin/python3 training/pipeline.py quantize-reader     # models/ in place, float kept
  /usr/bin/python3 training/quantize_reader.py --ckpt reader --in FLOAT.onnx --out INT8.onnx
"""
import argparse
import json
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from common import CKPT, PACK
from synth_bank import ensure
from train_reader import Reader


def calibrate(ckpt, percentile, n_synth, seed):
    """Per-ReLU output range of the float model, keyed by the ONNX Relu output name."""
    st = torch.load(CKPT / f"{ckpt}.pt", map_location="cpu")
    model = Reader(st.get("arch", "wide"))
    model.load_state_dict(st["model"])
    model.eval()
    real = np.load(PACK / "reader_real.npz")
    synth = np.load(ensure("reader", n_synth, seed, 2))
    images = np.concatenate([real["images"], synth["images"]])
    acts = {}

    def hook(name):
        def f(_m, _i, out):
            acts.setdefault(name, []).append(out.detach().flatten().numpy()[::7].copy())
        return f

    for i, block in enumerate(model.cnn):
        if isinstance(block, torch.nn.Sequential):  # conv_bn: Conv, BatchNorm, ReLU
            block[2].register_forward_hook(hook(f"/m/cnn/cnn.{i}/cnn.{i}.2/Relu_output_0"))
    with torch.no_grad():
        for k in range(0, len(images), 256):
            x = torch.from_numpy(images[k:k + 256]).float().div(255).unsqueeze(1)
            model(x)
    return {name: float(np.percentile(np.concatenate(v), percentile)) for name, v in acts.items()}, len(images)


def quantize(src, dst, ranges, weight_bits=7):
    m = onnx.load(src)
    g = m.graph
    init = {t.name: t for t in g.initializer}
    consumers = {}
    for n in g.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    convs = [n for n in g.node if n.op_type == "Conv"]
    qmax_w = 2 ** (weight_bits - 1) - 1
    new_init, nodes = [], []
    drop = set()
    first_in = convs[0].input[0]
    in_scale = 4.0 / 255.0  # (x - 0.5) / 0.25 lies in [-2, 2]
    new_init += [numpy_helper.from_array(np.array(in_scale, np.float32), "q_in_scale"),
                 numpy_helper.from_array(np.array(128, np.uint8), "q_in_zp")]
    scale_of = {first_in + "_q": ("q_in_scale", "q_in_zp", in_scale)}
    rename = {first_in: first_in + "_q"}  # float tensor -> its uint8 twin
    last = convs[-1]
    for n in g.node:
        if n.op_type == "Conv":
            relu = consumers[n.output[0]][0]
            assert relu.op_type == "Relu", f"{n.name}: Conv not followed by Relu"
            drop.add(id(relu))
            x = rename[n.input[0]]
            xs_name, xzp_name, xs = scale_of[x]
            if n is convs[0]:
                nodes.append(helper.make_node("QuantizeLinear", [n.input[0], xs_name, xzp_name], [x]))
            w = numpy_helper.to_array(init[n.input[1]]).astype(np.float64)
            b = numpy_helper.to_array(init[n.input[2]]).astype(np.float64)
            ws = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(1), 1e-8) / qmax_w
            # a near-dead channel (tiny weights, some bias) must not overflow its int32 bias
            ws = np.maximum(ws, np.abs(b) / (xs * 2.0 ** 30))
            wq = np.clip(np.round(w / ws[:, None, None, None]), -qmax_w, qmax_w).astype(np.int8)
            bq = np.round(b / (xs * ws)).astype(np.int32)
            ys = max(ranges[relu.output[0]], 1e-6) / 255.0
            p = n.output[0]
            new_init += [numpy_helper.from_array(wq, p + "_w"),
                         numpy_helper.from_array(ws.astype(np.float32), p + "_ws"),
                         numpy_helper.from_array(np.zeros(w.shape[0], np.int8), p + "_wzp"),
                         numpy_helper.from_array(bq, p + "_b"),
                         numpy_helper.from_array(np.array(ys, np.float32), p + "_ys"),
                         numpy_helper.from_array(np.array(0, np.uint8), p + "_yzp")]
            yq = relu.output[0] + "_q"
            nodes.append(helper.make_node(
                "QLinearConv", [x, xs_name, xzp_name, p + "_w", p + "_ws", p + "_wzp", p + "_ys", p + "_yzp", p + "_b"],
                [yq], name=n.name + "_int8", **{a.name: helper.get_attribute_value(a) for a in n.attribute}))
            scale_of[yq] = (p + "_ys", p + "_yzp", ys)
            rename[relu.output[0]] = yq
            if n is last:
                nodes.append(helper.make_node("DequantizeLinear", [yq, p + "_ys", p + "_yzp"], [relu.output[0]]))
        elif id(n) in drop:
            continue
        elif n.op_type == "MaxPool" and n.input[0] in rename:
            q_in = rename[n.input[0]]
            q_out = n.output[0] + "_q"
            nodes.append(helper.make_node("MaxPool", [q_in], [q_out], name=n.name + "_int8",
                                          **{a.name: helper.get_attribute_value(a) for a in n.attribute}))
            scale_of[q_out] = scale_of[q_in]
            rename[n.output[0]] = q_out
        else:
            nodes.append(n)
    used = {i for n in nodes for i in n.input}
    keep = [t for t in g.initializer if t.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(keep + new_init)
    onnx.checker.check_model(m)
    Path(dst).parent.mkdir(parents=True, exist_ok=True)
    onnx.save(m, dst)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default="reader", help="checkpoint the fp32 ONNX was exported from (calibration)")
    ap.add_argument("--in", dest="src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--percentile", type=float, default=99.99)
    ap.add_argument("--synth", type=int, default=1000)
    ap.add_argument("--synth-seed", type=int, default=1)
    ap.add_argument("--weight-bits", type=int, default=7)
    ap.add_argument("--meta", default="", help="where to write the calibration record (default: --out with .json)")
    a = ap.parse_args()
    torch.set_num_threads(2)
    ranges, n = calibrate(a.ckpt, a.percentile, a.synth, a.synth_seed)
    quantize(a.src, a.out, ranges, a.weight_bits)
    meta = {"source": str(a.src), "calibration_crops": n, "percentile": a.percentile,
            "weight_bits": a.weight_bits, "synth_seed": a.synth_seed, "ranges": ranges}
    json.dump(meta, open(a.meta or Path(a.out).with_suffix(".json"), "w"), indent=2)
    print(json.dumps({k: v for k, v in meta.items() if k != "ranges"}))


if __name__ == "__main__":
    main()
