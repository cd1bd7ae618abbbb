"""Stage `export`: checkpoints -> ONNX in models/ (opset 13), with a parity check against
torch so a broken export cannot ship. Writes models/<name>.onnx and a small metadata json that
the model card stage fills in.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

from common import CHARSET, CKPT, MODELS, READER_H, READER_W, WORK
from train_check import THRESHOLD, CheckNet
from train_corners import CORNER_H, CORNER_W, CROP_MX, CROP_MY, CornerNet
from train_detector import Detector
from train_reader import Reader


class ReaderExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, image):  # B,1,48,160 grey 0..1
        return torch.softmax(self.m(image), -1)


class DetectorExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, image):  # 1,3,H,W RGB 0..1
        hm, box = self.m(image)
        return torch.sigmoid(hm), box


def export_reader(ckpt: Path, out: Path):
    st = torch.load(ckpt, map_location="cpu")
    m = Reader(st.get("arch", "wide")); m.load_state_dict(st["model"]); m.eval()
    e = ReaderExport(m).eval()
    x = torch.rand(2, 1, READER_H, READER_W)
    torch.onnx.export(e, x, str(out), input_names=["image"], output_names=["probs"],
                      dynamic_axes={"image": {0: "batch"}, "probs": {0: "batch"}}, opset_version=13)
    check(out, e, x)


def export_detector(ckpt: Path, out: Path):
    m = Detector(); m.load_state_dict(torch.load(ckpt, map_location="cpu")["model"]); m.eval()
    e = DetectorExport(m).eval()
    x = torch.rand(1, 3, 384, 640)
    torch.onnx.export(e, x, str(out), input_names=["image"], output_names=["heatmap", "box"],
                      dynamic_axes={"image": {2: "height", 3: "width"},
                                    "heatmap": {2: "h4", 3: "w4"}, "box": {2: "h4", 3: "w4"}},
                      opset_version=13)
    check(out, e, x)


def export_corners(ckpt: Path, out: Path):
    m = CornerNet(); m.load_state_dict(torch.load(ckpt, map_location="cpu")["model"]); m.eval()
    x = torch.rand(3, 1, CORNER_H, CORNER_W)
    torch.onnx.export(m, x, str(out), input_names=["image"], output_names=["corners"],
                      dynamic_axes={"image": {0: "batch"}, "corners": {0: "batch"}}, opset_version=13)
    check(out, m, x)


class CheckExport(nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, image):  # B,1,64,128 grey 0..1 -> B plate probabilities
        return torch.sigmoid(self.m(image))


def export_check(ckpt: Path, out: Path):
    m = CheckNet(); m.load_state_dict(torch.load(ckpt, map_location="cpu")["model"]); m.eval()
    e = CheckExport(m).eval()
    x = torch.rand(3, 1, CORNER_H, CORNER_W)
    torch.onnx.export(e, x, str(out), input_names=["image"], output_names=["plate"],
                      dynamic_axes={"image": {0: "batch"}, "plate": {0: "batch"}}, opset_version=13)
    check(out, e, x)


def check(path, module, x):
    """Parity with torch through onnxruntime when present, else a structural onnx check."""
    import onnx
    onnx.checker.check_model(onnx.load(str(path)))
    try:
        import onnxruntime as ort
    except ImportError:
        print(f"{path.name}: onnx checker ok (onnxruntime not in python; TS tests check parity)")
        return
    sess = ort.InferenceSession(str(path))
    got = sess.run(None, {"image": x.numpy()})
    with torch.no_grad():
        ref = module(x)
    ref = ref if isinstance(ref, tuple) else (ref,)
    for g, r in zip(got, ref):
        assert np.allclose(g, r.numpy(), atol=1e-3), f"{path.name}: onnx/torch mismatch"
    print(f"{path.name}: parity ok")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt-dir", default=str(CKPT))
    ap.add_argument("--out-dir", default=str(MODELS))
    ap.add_argument("--reader", default="reader", help="reader checkpoint name (reader, reader-wide)")
    ap.add_argument("--detector", default="detector", help="detector checkpoint name (detector, det-small)")
    ap.add_argument("--corners", default="corners", help="corner net checkpoint name (train_corners.py)")
    ap.add_argument("--check", default="none", help="plate check checkpoint name (train_check.py); none by default: "
                    "no check has passed its release check, and a plate-check.onnx in a models folder is on by default")
    a = ap.parse_args()
    ck, out = Path(a.ckpt_dir), Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # a model not exported this time keeps its record (exporting only the reader leaves the detector's)
    meta_path = out / "export-meta.json"
    meta = json.load(open(meta_path)) if meta_path.exists() else {}
    rp = ck / f"{a.reader}.pt"
    if rp.exists():
        export_reader(rp, out / "plate-reader.onnx")
        st = torch.load(rp, map_location="cpu")
        meta["plate-reader"] = {"checkpoint": rp.name, "steps": st["step"], "arch": st.get("arch", "wide"),
                                "charset": CHARSET, "input": [1, READER_H, READER_W]}
        if "head" in st:  # context head retrained on the base reader's convolutions (context_head.py)
            meta["plate-reader"].update({"context_head_on": st["base"], "head_steps": st["step"]})
        elif st.get("init"):  # continued from another reader's weights (train_reader.py --init)
            meta["plate-reader"]["continued_from"] = st["init"]
        elif "base" in st:  # fine-tuned (finetune_reader.py)
            meta["plate-reader"].update({"fine_tuned_from": st["base"], "base_steps": st.get("base_step")})
            log = WORK / "finetune" / f"{a.reader.removesuffix('-best')}.json"
            if log.exists():  # the recipe, for the model card
                cfg = json.load(open(log))["config"]
                meta["plate-reader"]["fine_tune"] = {k: cfg.get(k) for k in (
                    "steps", "batch", "lr", "mix", "photo_o_zero", "distill", "synth", "synth_seed", "seed")}
    dp = ck / f"{a.detector}.pt"
    if dp.exists():
        export_detector(dp, out / "plate-detector.onnx")
        st = torch.load(dp, map_location="cpu")
        meta["plate-detector"] = {"checkpoint": dp.name, "steps": st["step"]}
        if st.get("init"):  # fine-tuned from another detector (train_detector.py --init)
            meta["plate-detector"]["fine_tuned_from"] = st["init"]
    cp = ck / f"{a.corners}.pt"
    if cp.exists():
        export_corners(cp, out / "plate-corners.onnx")
        st = torch.load(cp, map_location="cpu")
        meta["plate-corners"] = {"checkpoint": cp.name, "steps": st["step"], "samples": st.get("samples"),
                                 "seed": st.get("seed"), "aspects": st.get("aspects", [0.42, 0.6]),
                                 "input": [1, CORNER_H, CORNER_W],
                                 "crop": {"widen_x": CROP_MX, "widen_y": CROP_MY}}
    kp = ck / f"{a.check}.pt"
    if kp.exists():
        export_check(kp, out / "plate-check.onnx")
        st = torch.load(kp, map_location="cpu")
        meta["plate-check"] = {"checkpoint": kp.name, "steps": st["step"], "seed": st.get("seed"),
                               "synth": st.get("synth"), "stamps": st.get("stamps"),
                               "signs": st.get("signs", 0), "dropout": st.get("dropout", 0.0),
                               "mined_plates": st.get("mined_plates"), "mined_not_plates": st.get("mined_not_plates"),
                               "input": [1, CORNER_H, CORNER_W], "crop": {"widen_x": CROP_MX, "widen_y": CROP_MY},
                               "threshold": THRESHOLD}
    json.dump(meta, open(meta_path, "w"), indent=2)


if __name__ == "__main__":
    main()
