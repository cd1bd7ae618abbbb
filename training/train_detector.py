"""Stage `train-detector`: single-class anchor-free plate detector (CenterNet-style).

Tiny depthwise backbone, FPN-lite to stride 4, heads: centre heatmap, log box size, sub-cell
offset. Training images: openimages-plates train (real plates) with synthetic US plates
composited in at 12-220 px width, night/greyscale and photometric augmentation on device.
Checkpoints every `--ckpt-every` steps; rerunning resumes.
"""
import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from augment import photometric
from common import optimise, check_init, folded_bn, freeze_bn, start_or_resume, CKPT, DET_STRIDE, DET_TRAIN_SIZE, PACK, seed_all
from synth_bank import ensure

MAX_BOXES = 40


def cbr(cin, cout, k=3, s=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def dw(cin, cout, s=1):
    return nn.Sequential(cbr(cin, cin, 3, s, groups=cin), cbr(cin, cout, 1))


class Detector(nn.Module):
    def __init__(self):
        super().__init__()
        self.s4 = nn.Sequential(cbr(3, 16, 3, 2), cbr(16, 32, 3, 2), dw(32, 32))
        self.s8 = nn.Sequential(dw(32, 64, 2), dw(64, 64))
        self.s16 = nn.Sequential(dw(64, 96, 2), dw(96, 96), dw(96, 96))
        self.s32 = nn.Sequential(dw(96, 128, 2), dw(128, 128), dw(128, 128))
        self.l4, self.l8 = cbr(32, 48, 1), cbr(64, 48, 1)
        self.l16, self.l32 = cbr(96, 48, 1), cbr(128, 48, 1)
        self.f8, self.f4 = dw(48, 48), dw(48, 48)
        self.hm = nn.Sequential(dw(48, 48), nn.Conv2d(48, 1, 1))
        self.box = nn.Sequential(dw(48, 48), nn.Conv2d(48, 4, 1))
        nn.init.constant_(self.hm[-1].bias, -2.19)

    def forward(self, x):  # x: B,3,H,W RGB in 0..1, H and W multiples of 32
        x = (x - 0.45) / 0.25
        c4 = self.s4(x); c8 = self.s8(c4); c16 = self.s16(c8); c32 = self.s32(c16)
        up = lambda t: F.interpolate(t, scale_factor=2.0, mode="nearest")
        p16 = self.l16(c16) + up(self.l32(c32))
        p8 = self.f8(self.l8(c8) + up(p16))
        p4 = self.f4(self.l4(c4) + up(p8))
        return self.hm(p4), self.box(p4)  # heat logits; (off x, off y, log w/4, log h/4)


class Scenes(torch.utils.data.Dataset):
    def __init__(self, seed, min_scale=0.35):
        self.dir = PACK / "det_train"
        self.items = json.load(open(self.dir / "boxes.json"))
        self.seed = seed
        self.min_scale = min_scale

    def __len__(self):
        return 10 ** 7  # sampled with replacement, endless

    def __getitem__(self, i):
        rng = np.random.default_rng(self.seed * 1000003 + i)
        it = self.items[rng.integers(len(self.items))]
        img = Image.open(self.dir / it["file"]).convert("RGB")
        s = float(np.exp(rng.uniform(np.log(self.min_scale), np.log(1.6))))
        img = img.resize((max(1, int(img.width * s)), max(1, int(img.height * s))), Image.BILINEAR)
        S = DET_TRAIN_SIZE
        ox = int(rng.integers(min(0, img.width - S), max(0, img.width - S) + 1))
        oy = int(rng.integers(min(0, img.height - S), max(0, img.height - S) + 1))
        canvas = Image.new("RGB", (S, S), tuple(int(v) for v in rng.integers(0, 255, 3)))
        canvas.paste(img, (-ox, -oy))
        boxes = np.zeros((MAX_BOXES, 4), np.float32)
        n = 0
        for x, y, w, h in it["boxes"]:
            x1, y1 = x * s - ox, y * s - oy
            x2, y2 = x1 + w * s, y1 + h * s
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            if 0 <= cx < S and 0 <= cy < S and n < MAX_BOXES:
                boxes[n] = [max(0, x1), max(0, y1), min(S, x2), min(S, y2)]; n += 1
        arr = torch.from_numpy(np.asarray(canvas, np.uint8).copy()).permute(2, 0, 1)
        return arr, torch.from_numpy(boxes), n


class Wholes(torch.utils.data.Dataset):
    """Whole training photos as the engine sees them (longest side 640, as `prepare` stored them, on a
    black 640 x 640 canvas), for the distillation alone: close-up plates, which the 512 px crops rarely
    hold whole, then carry the teacher's boxes into the loss (session 17: a fine-tune's close-up boxes
    moved by a fifth of their width and their readings followed)."""
    SIZE = 640

    def __init__(self, seed):
        self.dir = PACK / "det_train"
        self.items = json.load(open(self.dir / "boxes.json"))
        self.seed = seed

    def __len__(self):
        return 10 ** 7

    def __getitem__(self, i):
        rng = np.random.default_rng(self.seed * 1000033 + i)
        path = self.dir / self.items[rng.integers(len(self.items))]["file"]
        img = Image.open(path).convert("RGB")
        if max(img.size) > self.SIZE:
            raise ValueError(f"{path}: {img.width} x {img.height}, longer than {self.SIZE} px; run `pipeline.py prepare` again")
        canvas = Image.new("RGB", (self.SIZE, self.SIZE))
        canvas.paste(img, (0, 0))
        return torch.from_numpy(np.asarray(canvas, np.uint8).copy()).permute(2, 0, 1)


def composite(x, boxes, counts, tiles, rng, min_width=12, min_height=4, max_width=220):
    """Paste synthetic plate tiles (RGBA uint8, on device) into the batch; extend boxes.
    Placement is drawn on the CPU (numpy) so the loop never waits on the GPU."""
    B, _, S, _ = x.shape
    counts = counts.clone()
    new_boxes = []
    for b in range(B):
        n = int(counts[b])
        for _ in range(int(rng.integers(0, 4))):
            if n >= MAX_BOXES:
                break
            w = float(np.exp(rng.uniform(np.log(min_width), np.log(max_width))))
            h = max(min_height, int(w * rng.uniform(0.22, 0.65)))  # US 2:1 down to long EU-style plates
            w = int(w)
            x0, y0 = int(rng.integers(0, S - w)), int(rng.integers(0, S - h))
            t = tiles[int(rng.integers(0, len(tiles)))]
            t = F.interpolate(t.permute(2, 0, 1)[None].float() / 255, size=(h, w), mode="bilinear",
                              align_corners=False)[0]
            a = t[3:4]
            x[b, :, y0:y0 + h, x0:x0 + w] = x[b, :, y0:y0 + h, x0:x0 + w] * (1 - a) + t[:3] * a
            new_boxes.append((b, n, x0, y0, x0 + w, y0 + h))
            n += 1
        counts[b] = n
    if new_boxes:
        idx = torch.tensor([nb[:2] for nb in new_boxes], device=x.device)
        vals = torch.tensor([nb[2:] for nb in new_boxes], dtype=torch.float32, device=x.device)
        boxes[idx[:, 0], idx[:, 1]] = vals
    return x, boxes, counts


def targets(boxes, counts, S):
    """Elliptic Gaussian centre heatmap plus box regression targets at centre cells."""
    B, M, _ = boxes.shape
    R = S // DET_STRIDE
    dev = boxes.device
    valid = torch.arange(M, device=dev)[None] < counts[:, None]
    bw = (boxes[..., 2] - boxes[..., 0]).clamp_min(1)
    bh = (boxes[..., 3] - boxes[..., 1]).clamp_min(1)
    cx = (boxes[..., 0] + boxes[..., 2]) / 2 / DET_STRIDE
    cy = (boxes[..., 1] + boxes[..., 3]) / 2 / DET_STRIDE
    sx = (bw / DET_STRIDE / 5).clamp_min(0.7)
    sy = (bh / DET_STRIDE / 5).clamp_min(0.7)
    ix, iy = cx.floor().clamp(0, R - 1), cy.floor().clamp(0, R - 1)
    grid = torch.arange(R, device=dev, dtype=torch.float32)
    gx = torch.exp(-((grid[None, None, :] - ix[..., None]) ** 2) / (2 * sx[..., None] ** 2))
    gy = torch.exp(-((grid[None, None, :] - iy[..., None]) ** 2) / (2 * sy[..., None] ** 2))
    g = gy[..., :, None] * gx[..., None, :] * valid[..., None, None]
    hm = g.amax(1, keepdim=True)  # B,1,R,R
    reg = torch.stack([cx - ix, cy - iy, torch.log(bw / DET_STRIDE), torch.log(bh / DET_STRIDE)], -1)
    return hm, (iy * R + ix).long(), reg, valid


def loss_fn(hm_logit, box, hm_t, ind, reg_t, valid):
    p = torch.sigmoid(hm_logit).clamp(1e-4, 1 - 1e-4)
    pos = hm_t.eq(1).float()
    neg_w = (1 - hm_t) ** 4
    fl = -(pos * (1 - p) ** 2 * torch.log(p) + (1 - pos) * neg_w * p ** 2 * torch.log(1 - p))
    npos = valid.sum().clamp_min(1)
    B = box.shape[0]
    pred = box.view(B, 4, -1).gather(2, ind[:, None, :].expand(B, 4, ind.shape[1])).permute(0, 2, 1)
    l1 = (F.smooth_l1_loss(pred, reg_t, reduction="none").sum(-1) * valid).sum()
    return fl.sum() / npos, l1 / npos


def box_distill_loss(box, teacher_hm, teacher_box, min_score=0.3):
    """Smooth-L1 distance of the box outputs from the teacher's, at the cells where the teacher's
    heatmap says plate (>= `min_score`, the engine's detection threshold): a fine-tune for small
    plates keeps the boxes of the plates its --init detector already finds (session 8's fine-tune
    loosened them, and the reader read those plates worse)."""
    w = (torch.sigmoid(teacher_hm) >= min_score).float()
    d = F.smooth_l1_loss(box, teacher_box, reduction="none").sum(1, keepdim=True)
    return (d * w).sum() / w.sum().clamp_min(1)


def heat_distill_loss(hm, teacher_hm, min_score=0.1):
    """Binary cross-entropy of the heat logits against the teacher's plate probabilities, at the cells
    where the teacher sees at least a trace of a plate (>= `min_score`): the peaks of the plates the
    teacher finds stay where they were, so the box read at the peak is the one the reader was made for
    (session 17: det-kd's boxes matched the teacher's at the teacher's cells, yet its plates were read
    worse). Cells where the teacher sees nothing are left free, so new (small) plates can be learnt."""
    p = torch.sigmoid(teacher_hm)
    w = (p >= min_score).float()
    d = F.binary_cross_entropy_with_logits(hm, p, reduction="none")
    return (d * w).sum() / w.sum().clamp_min(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--tiles", type=int, default=6000)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--workers", type=int, default=min(8, os.cpu_count() or 1))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--name", default="detector", help="checkpoint name in CKPT (NAME.pt)")
    ap.add_argument("--init", default="", help="fine-tune: start from this checkpoint's weights "
                    "with a fresh optimiser and schedule (NAME.pt, if it exists, resumes only when started from it)")
    ap.add_argument("--min-width", type=float, default=12,
                    help="narrowest synthetic plate, pixels at the 512-px training scale")
    ap.add_argument("--max-width", type=float, default=220,
                    help="widest synthetic plate, pixels at the 512-px training scale (close-up plates: up to 480)")
    ap.add_argument("--min-scale", type=float, default=0.35,
                    help="smallest rescale of a real training scene (smaller real plates)")
    ap.add_argument("--min-height", type=int, default=4,
                    help="floor of a synthetic plate's height in pixels (4 squashes plates under ~18 px)")
    ap.add_argument("--distill", type=float, default=0.0,
                    help="weight of a loss that keeps the box outputs where the --init detector sees a plate "
                         "near its own (0 = off; needs --init)")
    ap.add_argument("--distill-heat", type=float, default=0.0,
                    help="weight of a loss that keeps the heatmap where the teacher sees a plate near the "
                         "teacher's (0 = off; needs --init)")
    ap.add_argument("--whole", type=int, default=0,
                    help="whole training photos a step (the engine's 640 px input) for the distillation alone, "
                         "beside the crops (0 = off; needs --distill or --distill-heat)")
    ap.add_argument("--teacher", default="",
                    help="the detector to distil toward (default: --init), e.g. the shipped detector while "
                         "--init is a fine-tune of it")
    a = ap.parse_args()
    if (a.distill > 0 or a.distill_heat > 0 or a.teacher) and not a.init:
        ap.error("--distill, --distill-heat and --teacher keep a fine-tune near a detector: give --init")
    if a.teacher and not (a.distill > 0 or a.distill_heat > 0):
        ap.error("--teacher needs --distill or --distill-heat")
    if a.whole and not (a.distill > 0 or a.distill_heat > 0):
        ap.error("--whole is for the distillation: give --distill or --distill-heat")
    if a.whole < 0:
        ap.error("--whole is a number of photos >= 0")
    if a.distill < 0 or a.distill_heat < 0:
        ap.error("--distill and --distill-heat are weights >= 0")
    if a.teacher and not Path(a.teacher).is_file():
        ap.error(f"--teacher {a.teacher}: no such checkpoint")
    if not 0 < a.min_width < a.max_width <= 480 or not 0 < a.min_scale < 1.6 or a.min_height < 1:
        ap.error("--min-width must lie in (0, --max-width), --max-width in (--min-width, 480], --min-scale in (0, 1.6), "
                 "--min-height >= 1")
    path = CKPT / f"{a.name}.pt"
    check_init(a.init, path)
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    tiles = torch.from_numpy(np.load(ensure("scene", a.tiles, a.seed, a.workers))["images"]).to(dev)
    model = Detector().to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    CKPT.mkdir(parents=True, exist_ok=True)
    step, spent, init = start_or_resume(path, a.init, model, opt, dev, a.name)
    # a detector rebuilt from ONNX has folded BatchNorms: keep them as they are (also when resumed)
    frozen_bn = folded_bn(a.init, path, step)
    if frozen_bn:
        print("BatchNorm statistics frozen (the --init detector was rebuilt from ONNX, or is a fine-tune of one)")
    teacher = None
    if a.distill > 0 or a.distill_heat > 0:  # the teacher (--teacher, else the --init detector), frozen
        src = a.teacher or a.init
        teacher = Detector().to(dev)
        teacher.load_state_dict(torch.load(src, map_location=dev)["model"])
        teacher.eval().requires_grad_(False)
        print(f"distilling toward {src} (boxes {a.distill}, heat {a.distill_heat}"
              f"{f', on {a.whole} whole photos a step too' if a.whole else ''})")
    ds = Scenes(a.seed + step, a.min_scale)
    dl = torch.utils.data.DataLoader(ds, batch_size=a.batch, num_workers=a.workers,
                                     shuffle=False, persistent_workers=a.workers > 0)
    # whole photos are decoded beside the crops: a third of the crops' workers (at least one)
    wholes = iter(torch.utils.data.DataLoader(Wholes(a.seed + step), batch_size=a.whole, num_workers=max(1, a.workers // 3),
                                              shuffle=False, persistent_workers=True)) if a.whole else None
    g = torch.Generator(device=dev)
    g.manual_seed(a.seed + step)
    rng = np.random.default_rng(a.seed + step)

    def save():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                    "step": step, "spent": spent + time.time() - t0, "init": init, "frozen_bn": frozen_bn}, str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)

    def distil(hm, box, t_hm, t_box):  # the weighted distillation terms of one forward pass
        return a.distill * box_distill_loss(box, t_hm, t_box) + a.distill_heat * heat_distill_loss(hm, t_hm)

    t0, hist = time.time(), []
    model.train()
    if frozen_bn:
        freeze_bn(model)
    for imgs, boxes, counts in dl:
        if step >= a.steps or spent + time.time() - t0 > a.minutes * 60:
            break
        x = imgs.to(dev).float() / 255
        boxes = boxes.to(dev)
        x, boxes, counts = composite(x, boxes, counts, tiles, rng, a.min_width, a.min_height, a.max_width)
        counts = counts.to(dev)
        if rng.random() < 0.5:
            x = x.flip(-1)
            boxes = torch.stack([DET_TRAIN_SIZE - boxes[..., 2], boxes[..., 1],
                                 DET_TRAIN_SIZE - boxes[..., 0], boxes[..., 3]], -1)
        x = photometric(x, g, p_blur=0.3, p_lowres=0.2, noise=0.05, p_gray=0.2)
        dark = (torch.rand(x.shape[0], 1, 1, 1, generator=g, device=dev) < 0.15).float()
        x = x * (1 - dark) + (x ** 2.2) * 0.6 * dark  # night: crushed shadows
        hm_t, ind, reg_t, valid = targets(boxes, counts, DET_TRAIN_SIZE)
        hm, box = model(x)
        lh, lb = loss_fn(hm, box, hm_t, ind, reg_t, valid)
        loss = lh + lb
        ld = torch.zeros((), device=dev)
        if teacher is not None:
            with torch.no_grad():
                t_hm, t_box = teacher(x)
            ld = distil(hm, box, t_hm, t_box)
            if wholes is not None:  # the engine's view: the same terms on whole photos
                xw = next(wholes).to(dev).float() / 255
                with torch.no_grad():
                    tw_hm, tw_box = teacher(xw)
                ld = ld + distil(*model(xw), tw_hm, tw_box)
            loss = loss + ld
        optimise(opt, loss, model.parameters(), 10.0, a, step, spent + time.time() - t0)
        step += 1
        hist.append((lh.item(), lb.item(), ld.item()))
        if step % 25 == 0:
            h = np.mean(hist[-25:], 0)
            print(f"step {step} heat {h[0]:.3f} box {h[1]:.3f}{f' distill {h[2]:.4f}' if teacher is not None else ''} "
                  f"{time.time() - t0:.0f}s", flush=True)
        if step % a.ckpt_every == 0:
            save()
    save()
    print(f"{a.name} stopped at step {step}")


if __name__ == "__main__":
    main()
