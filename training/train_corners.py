"""Stage `train-corners`: a small network that finds a plate's four corners in a detector box.

The detector returns axis-aligned boxes. A plate seen at an angle is a quadrilateral inside its
box; its corners let the engine report where the plate really is (the issue: "boxes, corners if
you can") and, as an option, read the plate rectified. The corner net sees the detector box
widened by CROP_MX / CROP_MY on each side, in grey at CORNER_W x CORNER_H (the engine's
`greyCrop`, PIL's convert('L') + resize(BILINEAR)), and returns the corners top-left, top-right,
bottom-right, bottom-left (in the plate's own orientation) as fractions of that crop.

Training data is synthetic only, as no real set here has corners: the project's rendered US
plates (frames, dirt, blur, JPEG) warped by random perspective, shear and rotation onto patches
of the detector's training scenes (openimages-plates train, away from their labelled plates), and
boxed as a detector would box them (each edge jittered, sometimes loose). Real plates check it
afterwards through their labelled boxes (`canvass eval --corners`: the quadrilateral's bounds
against the label, beside the detector's own box).

  /usr/bin/python3 training/train_corners.py --minutes 20                 # resumes
  /usr/bin/python3 training/train_corners.py --eval                       # synthetic held-out error
  /usr/bin/python3 training/export.py --corners corners                   # -> models/plate-corners.onnx
"""
import argparse
import json
import math
import os
import random
import time
from multiprocessing import Pool

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image, ImageFilter

from common import CKPT, PACK, WORK, optimise, seed_all, start_or_resume
from train_detector import cbr, dw

CROP_MX, CROP_MY = 0.2, 0.35  # the crop: the box widened by these fractions of its size, each side
CORNER_W, CORNER_H = 128, 64
CHUNK = 500
# where the box's own corners fall in the crop (the network's starting answer)
BOX_CORNERS = [CROP_MX / (1 + 2 * CROP_MX), CROP_MY / (1 + 2 * CROP_MY),
               (1 + CROP_MX) / (1 + 2 * CROP_MX), CROP_MY / (1 + 2 * CROP_MY),
               (1 + CROP_MX) / (1 + 2 * CROP_MX), (1 + CROP_MY) / (1 + 2 * CROP_MY),
               CROP_MX / (1 + 2 * CROP_MX), (1 + CROP_MY) / (1 + 2 * CROP_MY)]


class CornerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(cbr(1, 16, 3, 2), dw(16, 32, 2), dw(32, 32), dw(32, 64, 2), dw(64, 64),
                               dw(64, 96, 2), dw(96, 96))  # 64 x 128 -> 4 x 8
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(96 * 4 * 8, 128), nn.ReLU(inplace=True),
                                  nn.Linear(128, 8))
        nn.init.normal_(self.head[-1].weight, std=1e-3)
        with torch.no_grad():
            self.head[-1].bias.copy_(torch.tensor(BOX_CORNERS))

    def forward(self, x):  # x: B,1,64,128 grey 0..1 -> B,8 corners (x, y pairs) as crop fractions
        return self.head(self.f((x - 0.5) / 0.25))


def crop_rect(x, y, w, h):
    return x - CROP_MX * w, y - CROP_MY * h, w * (1 + 2 * CROP_MX), h * (1 + 2 * CROP_MY)


def _quad(rng, pw, aspect):
    """A plate's corners (TL, TR, BR, BL) around the origin: foreshortening left/right and
    top/bottom, shear, rotation, a little jitter of each corner."""
    a, b = pw / 2 * rng.uniform(0.75, 1.0), pw * aspect / 2
    yaw, pitch = rng.uniform(-0.3, 0.3), rng.uniform(-0.12, 0.12)
    pts = [(-a * (1 + pitch), -b * (1 - yaw)), (a * (1 + pitch), -b * (1 + yaw)),
           (a * (1 - pitch), b * (1 + yaw)), (-a * (1 - pitch), b * (1 - yaw))]
    shx, shy = rng.uniform(-0.12, 0.12), rng.uniform(-0.12, 0.12)
    pts = [(x + shx * y, y + shy * x) for x, y in pts]
    t = math.radians(max(-20.0, min(20.0, rng.gauss(0, 7))))
    c, s = math.cos(t), math.sin(t)
    j = 0.015 * pw
    return [(x * c - y * s + rng.uniform(-j, j), x * s + y * c + rng.uniform(-j, j)) for x, y in pts]


def _detector_box(rng, quad):
    """The quadrilateral's bounds as a detector might return them: edges jittered, at times loose."""
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    x1, y1, x2, y2 = min(xs), min(ys), max(xs), max(ys)
    w, h = x2 - x1, y2 - y1
    if rng.random() < 0.15:
        k = rng.uniform(1.05, 1.3)
        x1, x2 = x1 - (k - 1) * w / 2, x2 + (k - 1) * w / 2
        y1, y2 = y1 - (k - 1) * h / 2, y2 + (k - 1) * h / 2
    cl = lambda v, m: max(-m, min(m, v))
    x1 += cl(rng.gauss(0, 0.05 * w), 0.15 * w); x2 += cl(rng.gauss(0, 0.05 * w), 0.15 * w)
    y1 += cl(rng.gauss(0, 0.09 * h), 0.25 * h); y2 += cl(rng.gauss(0, 0.09 * h), 0.25 * h)
    return x1, y1, max(2.0, x2 - x1), max(2.0, y2 - y1)


class Backgrounds:
    """Patches of the detector's training scenes that hold no labelled plate."""

    def __init__(self):
        d = PACK / "det_train"
        self.dir = d
        self.items = json.load(open(d / "boxes.json"))

    def patch(self, rng, w, h):
        for _ in range(8):
            it = self.items[rng.randrange(len(self.items))]
            img = Image.open(self.dir / it["file"])
            img.draft("RGB", (max(64, w), max(64, h)))
            img = img.convert("RGB")
            k = img.width / Image.open(self.dir / it["file"]).width
            sw = rng.uniform(0.3, 1.0) * img.width
            sh = sw * h / w
            if sh > img.height:
                continue
            x0, y0 = rng.uniform(0, img.width - sw), rng.uniform(0, img.height - sh)
            clear = all(bx * k + bw * k < x0 or bx * k > x0 + sw or by * k + bh * k < y0 or by * k > y0 + sh
                        for bx, by, bw, bh in it["boxes"])
            if clear:
                return img.resize((w, h), Image.BILINEAR, box=(x0, y0, x0 + sw, y0 + sh))
        return Image.new("RGB", (w, h), tuple(rng.randrange(256) for _ in range(3)))


ASPECTS = (0.42, 0.6)  # plate height / width drawn from this range (US plates are about 0.5)


def sample(rng, fonts, bgs, aspects=ASPECTS):
    """One training sample: the grey crop (CORNER_H x CORNER_W uint8) and its 8 corner fractions."""
    from synth_plates import _perspective_coeffs, render_for_scene

    plate, _ = render_for_scene(rng, fonts)
    pw = math.exp(rng.uniform(math.log(24), math.log(260)))
    quad = _quad(rng, pw, rng.uniform(*aspects))
    bx, by, bw, bh = _detector_box(rng, quad)
    cx, cy, cw, ch = crop_rect(bx, by, bw, bh)
    ox, oy = math.floor(cx) - 2, math.floor(cy) - 2  # canvas origin: the crop fits inside
    W, H = int(math.ceil(cx + cw)) + 2 - ox, int(math.ceil(cy + ch)) + 2 - oy
    canvas = bgs.patch(rng, W, H).convert("RGBA")
    q = [(x - ox, y - oy) for x, y in quad]
    rect = [(0, 0), (plate.width, 0), (plate.width, plate.height), (0, plate.height)]
    warped = plate.convert("RGBA").transform((W, H), Image.PERSPECTIVE, _perspective_coeffs(q, rect),
                                             Image.BILINEAR)
    canvas.alpha_composite(warped)
    img = canvas.convert("L")
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2) * max(1.0, pw / 120)))
    crop = img.resize((CORNER_W, CORNER_H), Image.BILINEAR, box=(cx - ox, cy - oy, cx - ox + cw, cy - oy + ch))
    target = [v for x, y in quad for v in ((x - cx) / cw, (y - cy) / ch)]
    return np.asarray(crop, np.uint8), np.array(target, np.float32)


def _chunk(args):
    from synth_bank import _font_bank

    seed, n, aspects = args
    rng = random.Random(seed)
    bgs = Backgrounds()
    out = [sample(rng, _font_bank(), bgs, aspects) for _ in range(n)]
    return np.stack([o[0] for o in out]), np.stack([o[1] for o in out])


def bank(n, seed, procs, aspects=ASPECTS):
    """A bank of samples, made once (npz in the work folder) and reused on resume."""
    extra = "" if tuple(aspects) == ASPECTS else f"_aspect{aspects[0]:g}-{aspects[1]:g}"  # drawn otherwise: another file
    path = WORK / f"corners_{n}_{seed}{extra}.npz"
    if not path.exists():
        chunks = [(seed * 100003 + i, min(CHUNK, n - i * CHUNK), tuple(aspects)) for i in range(math.ceil(n / CHUNK))]
        if procs > 1:
            with Pool(procs) as pool:
                parts = pool.map(_chunk, chunks)
        else:
            parts = [_chunk(c) for c in chunks]
        tmp = str(path) + ".tmp.npz"
        np.savez(tmp, images=np.concatenate([p[0] for p in parts]), corners=np.concatenate([p[1] for p in parts]))
        os.replace(tmp, path)
        print(f"corner bank: {n} -> {path}")
    d = np.load(path)
    return d["images"], d["corners"]


def photometric(x, g):
    """Grey crops (B,1,H,W, 0..1) with each one's contrast and brightness changed, one in ten inverted
    and a little noise: the corner net's and the plate check's augmentation, drawn from generator `g`."""
    b = x.shape[0]
    k = torch.empty(b, 1, 1, 1).uniform_(0.5, 1.3, generator=g)
    x = (x - 0.5) * k + 0.5 + torch.empty(b, 1, 1, 1).uniform_(-0.2, 0.2, generator=g)
    inv = (torch.rand(b, 1, 1, 1, generator=g) < 0.1).float()
    x = x * (1 - inv) + (1 - x) * inv
    return (x + 0.03 * torch.randn(x.shape, generator=g)).clamp(0, 1)


def corner_error(pred, target):
    """Mean corner distance as a fraction of the plate's width (the top edge's length), per sample."""
    p = pred.reshape(-1, 4, 2) * torch.tensor([CORNER_W, CORNER_H], dtype=pred.dtype)
    t = target.reshape(-1, 4, 2) * torch.tensor([CORNER_W, CORNER_H], dtype=pred.dtype)
    width = (t[:, 1] - t[:, 0]).norm(dim=-1).clamp_min(1e-6)
    return (p - t).norm(dim=-1).mean(-1) / width


def evaluate(model, n, seed, procs, aspects=ASPECTS):
    imgs, corners = bank(n, seed, procs, aspects)
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(imgs)[:, None].float() / 255
        pred = torch.cat([model(x[i:i + 256]) for i in range(0, len(x), 256)])
    t = torch.from_numpy(corners)
    err = corner_error(pred, t)
    box = corner_error(torch.tensor(BOX_CORNERS).expand_as(t), t)  # the detector box's own corners
    r = {"samples": len(t), "mean_error": round(err.mean().item(), 4), "median_error": round(err.median().item(), 4),
         "within_5pct": round((err < 0.05).float().mean().item(), 4),
         "box_corners_mean_error": round(box.mean().item(), 4)}
    print(json.dumps(r))
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=20)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--samples", type=int, default=24000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--name", default="corners")
    ap.add_argument("--eval", action="store_true", help="report the synthetic held-out error and stop")
    ap.add_argument("--eval-samples", type=int, default=2000)
    ap.add_argument("--aspects", default=",".join(f"{v:g}" for v in ASPECTS),
                    help="range of plate height / width drawn, LO,HI (training and the synthetic held-out set)")
    a = ap.parse_args()
    aspects = tuple(float(v) for v in a.aspects.split(","))
    if len(aspects) != 2 or not 0.05 <= aspects[0] <= aspects[1] <= 1.5:
        ap.error(f"--aspects: {a.aspects} is not LO,HI with 0.05 <= LO <= HI <= 1.5")
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    path = CKPT / f"{a.name}.pt"
    model = CornerNet()
    if a.eval:
        model.load_state_dict(torch.load(path, map_location="cpu")["model"])
        report(a, evaluate(model, a.eval_samples, a.seed + 1000, a.procs, aspects))
        return
    imgs, corners = bank(a.samples, a.seed, a.procs, aspects)
    imgs, corners = torch.from_numpy(imgs), torch.from_numpy(corners)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    CKPT.mkdir(parents=True, exist_ok=True)
    step, spent, _ = start_or_resume(path, "", model, opt, "cpu", a.name)
    g = torch.Generator().manual_seed(a.seed + step)

    def save():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                    "spent": spent + time.time() - t0, "samples": a.samples, "seed": a.seed,
                    "aspects": list(aspects)}, str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)

    t0, hist = time.time(), []
    model.train()
    while step < a.steps and spent + time.time() - t0 < a.minutes * 60:
        idx = torch.randint(0, len(imgs), (a.batch,), generator=g)
        x = imgs[idx][:, None].float() / 255
        x = photometric(x, g)  # photometric only: geometry would move the targets
        loss = F.smooth_l1_loss(model(x), corners[idx], beta=0.02)
        optimise(opt, loss, model.parameters(), 5.0, a, step, spent + time.time() - t0)
        step += 1
        hist.append(loss.item())
        if step % 200 == 0:
            print(f"step {step} loss {np.mean(hist[-200:]):.5f} {time.time() - t0:.0f}s", flush=True)
        if step % 1000 == 0:
            save()
    save()
    print(f"{a.name} stopped at step {step}")
    report(a, evaluate(model, a.eval_samples, a.seed + 1000, a.procs, aspects))


def report(a, r):
    """The synthetic held-out error, beside the checkpoint, for the model card."""
    out = WORK / f"{a.name}-eval.json"
    json.dump({**r, "seed": a.seed + 1000, "checkpoint": f"{a.name}.pt", "aspects": a.aspects}, open(out, "w"), indent=2)


if __name__ == "__main__":
    main()
