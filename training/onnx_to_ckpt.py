"""A float reader or detector ONNX (as `export.py` writes them) back into a training checkpoint.

The training checkpoints live in the ignored `work/` folder, so a fresh checkout has none; the
float readers that shipped are in git history (GPU run 1's: `git show 6975bb7:models/plate-reader.onnx`).
Export folded each BatchNorm into its convolution, so the checkpoint carries the folded weights in
the convolution and an identity BatchNorm after it (running mean 0, running variance 1 - eps,
weight 1, the folded bias as the BatchNorm's bias): the same function, which `finetune-reader`
(BatchNorm statistics frozen) can train further. The ONNX LSTM's gates (i, o, f, c) are put back in
PyTorch's order (i, f, c, o). The script checks that both models give the same probabilities.
A detector (outputs `heatmap` and `box`; the shipped one is float, `models/plate-detector.onnx`)
becomes a `train_detector.Detector` checkpoint the same way, each convolution found by the module
path torch wrote into its node name; `train_detector.py --init` fine-tunes it.

  /usr/bin/python3 onnx_to_ckpt.py work/base/reader-run1-fp32.onnx --out work/checkpoints/reader.pt
  /usr/bin/python3 onnx_to_ckpt.py ../models/plate-detector.onnx --out work/checkpoints/detector.pt
"""
import argparse
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from train_detector import Detector
from train_reader import ARCHS, Reader


def onnx_weights(path: Path):
    m = onnx.load(str(path))
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    convs, lstm, fc, fc_bias = [], None, None, None
    for n in m.graph.node:
        if n.op_type == "Conv":
            convs.append((init[n.input[1]], init[n.input[2]]))
        elif n.op_type == "LSTM":
            lstm = (init[n.input[1]], init[n.input[2]], init[n.input[3]])
        elif n.op_type == "MatMul" and n.input[1] in init:
            fc = init[n.input[1]]
        elif n.op_type == "Add" and any(i in init for i in n.input):
            fc_bias = init[next(i for i in n.input if i in init)]
        elif n.op_type in ("QLinearConv", "QuantizeLinear"):
            raise SystemExit(f"{path}: a quantised reader; give the float model (quantize_reader.py keeps it in work/fp32/)")
    if lstm is None or fc is None or fc_bias is None:
        raise SystemExit(f"{path}: no LSTM or classifier found: not a reader exported by export.py")
    return convs, lstm, (fc, fc_bias)


def arch_of(convs) -> str:
    chans = tuple(w.shape[0] for w, _ in convs)
    for name, ((c1, c2, c3, c4, c5), _) in ARCHS.items():
        if chans == (c1, c2, c3, c3, c4, c4, c5):
            return name
    raise SystemExit(f"convolution widths {chans} match no reader arch in train_reader.ARCHS")


def reorder_gates(a: np.ndarray, hid: int) -> np.ndarray:
    """ONNX packs the gates i, o, f, c along the first axis; PyTorch i, f, c (g), o."""
    i, o, f, c = (a[k * hid:(k + 1) * hid] for k in range(4))
    return np.concatenate([i, f, c, o])


def convert(path: Path) -> tuple[Reader, str]:
    convs, (W, R, B), (fc, fc_bias) = onnx_weights(path)
    arch = arch_of(convs)
    model = Reader(arch).eval()
    sd = model.state_dict()
    conv_names = sorted({k.rsplit(".", 2)[0] for k in sd if k.startswith("cnn.") and k.endswith(".0.weight")},
                        key=lambda s: int(s.split(".")[1]))
    assert len(conv_names) == len(convs), (conv_names, len(convs))
    for name, (w, b) in zip(conv_names, convs):
        fold_into(sd, model, name + ".0", w, b)
    hid = ARCHS[arch][1]
    for d, suffix in enumerate(("", "_reverse")):
        sd[f"rnn.weight_ih_l0{suffix}"] = torch.from_numpy(reorder_gates(W[d], hid))
        sd[f"rnn.weight_hh_l0{suffix}"] = torch.from_numpy(reorder_gates(R[d], hid))
        sd[f"rnn.bias_ih_l0{suffix}"] = torch.from_numpy(reorder_gates(B[d][:4 * hid], hid))
        sd[f"rnn.bias_hh_l0{suffix}"] = torch.from_numpy(reorder_gates(B[d][4 * hid:], hid))
    sd["fc.weight"] = torch.from_numpy(fc.T.copy())
    sd["fc.bias"] = torch.from_numpy(fc_bias.copy())
    model.load_state_dict(sd)
    return model, arch


def fold_into(sd: dict, model, conv: str, w: np.ndarray, b: np.ndarray) -> None:
    """A folded convolution `conv` (weights and bias from the ONNX file) into state dict `sd`: the
    weights in the convolution, the bias in the identity BatchNorm after it (or the convolution's own
    bias where it has one and no BatchNorm follows)."""
    sd[conv + ".weight"] = torch.from_numpy(w.copy())
    if conv + ".bias" in sd:
        sd[conv + ".bias"] = torch.from_numpy(b.copy())
        return
    prefix, idx = conv.rsplit(".", 1)
    bn = f"{prefix}.{int(idx) + 1}"
    eps = dict(model.named_modules())[bn].eps
    sd[bn + ".weight"] = torch.ones_like(sd[bn + ".weight"])
    sd[bn + ".bias"] = torch.from_numpy(b.copy())
    sd[bn + ".running_mean"] = torch.zeros_like(sd[bn + ".running_mean"])
    sd[bn + ".running_var"] = torch.full_like(sd[bn + ".running_var"], 1 - eps)


def convert_detector(path: Path) -> Detector:
    m = onnx.load(str(path))
    init = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    model = Detector().eval()
    sd = model.state_dict()
    convs = [n for n in m.graph.node if n.op_type == "Conv"]
    done = set()
    for n in convs:  # "/m/s4/s4.2/s4.2.0/s4.2.0.0/Conv" -> module s4.2.0.0
        name = n.name.rsplit("/", 2)[-2]
        if name + ".weight" not in sd:
            raise SystemExit(f"{path}: convolution {n.name} matches no module of train_detector.Detector")
        fold_into(sd, model, name, init[n.input[1]], init[n.input[2]])
        done.add(name)
    want = {k.rsplit(".", 1)[0] for k, v in sd.items() if k.endswith(".weight") and v.dim() == 4}
    if done != want:
        raise SystemExit(f"{path}: convolutions missing from the ONNX file: {sorted(want - done)}")
    model.load_state_dict(sd)
    return model


CHECK = r"""
const ort = require('onnxruntime-node');
(async () => {
  const [a, b, dims, names] = process.argv.slice(1);
  const shape = dims.split(',').map(Number);
  const x = new Float32Array(shape.reduce((p, d) => p * d, 1));
  let s = 1; for (let i = 0; i < x.length; i++) { s = (s * 16807) % 2147483647; x[i] = s / 2147483647; }
  const run = async (p) => (await (await ort.InferenceSession.create(p)).run({ image: new ort.Tensor('float32', x, shape) }));
  const [pa, pb] = [await run(a), await run(b)];
  let m = 0;
  for (const k of names.split(',')) for (let i = 0; i < pa[k].data.length; i++) m = Math.max(m, Math.abs(pa[k].data[i] - pb[k].data[i]));
  console.log(m);
})();
"""


def is_detector(path: Path) -> bool:
    return {o.name for o in onnx.load(str(path)).graph.output} == {"heatmap", "box"}


def check(model, path: Path) -> float:
    """Largest difference between the ONNX model's outputs and the checkpoint's, both run by the
    app's onnxruntime-node (the checkpoint exported again as export.py does)."""
    import subprocess
    import tempfile
    from export import export_detector, export_reader
    detector = isinstance(model, Detector)
    with tempfile.TemporaryDirectory() as tmp:
        again, ckpt = Path(tmp) / "again.onnx", Path(tmp) / "again.pt"
        torch.save({"model": model.state_dict(), "arch": getattr(model, "arch", None)}, ckpt)
        (export_detector if detector else export_reader)(ckpt, again)
        root = Path(__file__).resolve().parent.parent
        dims, names = ("1,3,256,320", "heatmap,box") if detector else ("8,1,48,160", "probs")
        out = subprocess.run(["node", "-e", CHECK, str(path.resolve()), str(again), dims, names], cwd=root,
                             capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("onnx", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--step", type=int, default=0, help="training step to record (the run's, when known)")
    a = ap.parse_args()
    if is_detector(a.onnx):
        model, arch = convert_detector(a.onnx), None
    else:
        model, arch = convert(a.onnx)
    diff = check(model, a.onnx)
    print(f"max |p_onnx - p_checkpoint| = {diff:.2e}")
    if diff > 1e-4:
        raise SystemExit(f"{a.onnx}: the checkpoint does not reproduce the ONNX model (difference {diff:.2e})")
    a.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "step": a.step, "from_onnx": str(a.onnx), **({"arch": arch} if arch else {})}, a.out)
    print(f"{a.out}: {'detector' if arch is None else f'reader, arch {arch}'}")


if __name__ == "__main__":
    main()
