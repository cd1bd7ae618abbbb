"""Stage `train-check`: a small network that says whether a box the reader confirmed is a plate.

The reader confirms a detector box when it reads two or more characters with some confidence, and
a car badge, a shop sign or a date burnt into a photo reads as confidently as a plate. The check
sees the corner net's crop of the box (the box widened CROP_MX / CROP_MY each side, grey
CORNER_W x CORNER_H, the engine's `greyCrop`: the same pixels the corner net gets, so the engine
makes the crop once) and returns the probability that it holds a plate; the engine drops its
confirmation below a threshold fixed before any result (training/README.md "Session 16").

Training data (balanced batches):
- real boxes mined by `mine_check.ts` from openimages-plates/train (the detector's training images),
  its `train` split only: detector boxes labelled plate / not plate by IoU with the labelled plates,
  and the labelled boxes with jittered copies; confirmed non-plates drawn HARD times as often;
- the corner net's synthetic plates on scene patches (`train_corners.bank`): plates;
- dates and times drawn in the font bank on scene patches without a plate: not plates;
- signs (session 16's candidate 2): text no plate carries (words in lower or mixed case, words of more
  than 8 letters, several words with spaces or punctuation) on a plain panel or on a scene patch: not
  plates.

  node --import tsx training/mine_check.ts                     # -> work/check/{crops.u8,boxes.json}
  /usr/bin/python3 training/train_check.py --minutes 12        # resumes
  /usr/bin/python3 training/train_check.py --eval              # the mined fit split's numbers
  /usr/bin/python3 training/export.py --reader none --detector none --corners none --check check \
      --out-dir training/work/check                          # -> work/check/plate-check.onnx (a candidate)
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
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from common import CKPT, PACK, WORK, optimise, seed_all, start_or_resume
from train_corners import CORNER_H, CORNER_W, Backgrounds, bank, crop_rect, photometric
from train_detector import cbr, dw

THRESHOLD = 0.2  # fixed a priori (session 16): a confirmed box under this plate probability is dropped
HARD = 4  # how much more often a confirmed non-plate is drawn than any other mined non-plate
CHUNK = 250


class CheckNet(nn.Module):
    def __init__(self, dropout=0.0):
        super().__init__()
        self.dropout = dropout  # before the last layer, in training only
        self.f = nn.Sequential(cbr(1, 16, 3, 2), dw(16, 32, 2), dw(32, 48, 2), dw(48, 48), dw(48, 64, 2),
                               dw(64, 64))  # 64 x 128 -> 4 x 8
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(64 * 4 * 8, 64), nn.ReLU(inplace=True), nn.Linear(64, 1))

    def forward(self, x):  # x: B,1,64,128 grey 0..1 -> B logits (plate)
        h = self.head[:3](self.f((x - 0.5) / 0.25))
        return self.head[3](F.dropout(h, self.dropout, self.training))[:, 0]


def mined(split):
    """The mined crops of one split (uint8 N x H x W) with their rows."""
    d = WORK / "check"
    if not (d / "boxes.json").exists():
        raise SystemExit(f"{d / 'boxes.json'} is missing: run `node --import tsx training/mine_check.ts` first")
    meta = json.load(open(d / "boxes.json"))
    if (meta["width"], meta["height"]) != (CORNER_W, CORNER_H):
        raise SystemExit(f"{d / 'boxes.json'}: crops are {meta['width']} x {meta['height']}, the check wants {CORNER_W} x {CORNER_H}")
    crops = np.fromfile(d / "crops.u8", np.uint8)
    if crops.size != len(meta["boxes"]) * CORNER_W * CORNER_H:
        raise SystemExit(f"{d / 'crops.u8'}: {crops.size} bytes for {len(meta['boxes'])} boxes; run mine_check.ts again")
    crops = crops.reshape(-1, CORNER_H, CORNER_W)
    keep = [i for i, r in enumerate(meta["boxes"]) if r["split"] == split]
    return crops[keep], [meta["boxes"][i] for i in keep]


STAMPS = ("%m %d %Y", "%m.%d.%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%H:%M:%S", "%I:%M %p", "%d %b %Y", "%Y/%m/%d")
INKS = ((255, 140, 20), (255, 200, 0), (255, 255, 255), (230, 40, 30), (250, 250, 120))


def grey_crop(rng, img, region):
    """The check's input from a drawn patch: grey, blurred at times, the region (x, y, w, h in the
    patch) resized to CORNER_W x CORNER_H as the engine's greyCrop does."""
    x, y, w, h = region
    g = img.convert("L")
    if rng.random() < 0.3:
        g = g.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.0)))
    return np.asarray(g.resize((CORNER_W, CORNER_H), Image.BILINEAR, box=(x, y, x + w, y + h)), np.uint8)


def stamp(rng, fonts, bgs):
    """A date or time drawn on a scene patch and boxed as a detector might box it: not a plate."""
    t = time.gmtime(rng.uniform(9.0e8, 1.8e9))
    text = time.strftime(rng.choice(STAMPS), t).upper()
    size = rng.randint(14, 40)
    font = ImageFont.truetype(rng.choice(fonts), size)
    l, tp, r, b = font.getbbox(text)
    tw, th = r - l, b - tp
    pad = rng.uniform(0.0, 0.15)
    bx, by, bw, bh = -pad * tw, -pad * th * 2, tw * (1 + 2 * pad), th * (1 + 4 * pad)
    cx, cy, cw, ch = crop_rect(bx, by, bw, bh)
    ox, oy = math.floor(cx) - 2, math.floor(cy) - 2
    W, H = int(math.ceil(cx + cw)) + 2 - ox, int(math.ceil(cy + ch)) + 2 - oy
    img = bgs.patch(rng, W, H)
    d = ImageDraw.Draw(img)
    if rng.random() < 0.5:  # a dark outline, as cameras draw their stamps
        for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
            d.text((-ox - l + dx, -oy - tp + dy), text, font=font, fill=(0, 0, 0))
    d.text((-ox - l, -oy - tp), text, font=font, fill=rng.choice(INKS))
    return grey_crop(rng, img, (cx - ox, cy - oy, cw, ch))


CONSONANTS, VOWELS = "bcdfghjklmnprstvwz", "aeiou"


def sign_text(rng):
    """Text no plate carries: a word in lower or mixed case, a word of more than 8 letters, or
    several words joined by spaces or punctuation."""
    def word(lo, hi):
        n = rng.randint(lo, hi)
        return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range((n + 1) // 2))[:n]
    kind = rng.random()
    if kind < 0.35:
        w = word(4, 10)
        return w.capitalize() if rng.random() < 0.6 else w
    if kind < 0.55:
        return word(9, 13).upper()
    sep = rng.choice([" ", " ", " & ", ".", " - ", "'s ", ": "])
    words = [word(3, 8) for _ in range(rng.randint(2, 3))]
    text = sep.join(words)
    if sum(len(w) for w in words) <= 8 and not any(c in sep for c in ".&-':"):
        text += " " + word(4, 7)  # never a short run of capitals and spaces (a European plate's look)
    return text.upper() if rng.random() < 0.4 else text.title() if rng.random() < 0.5 else text


def sign(rng, fonts, bgs):
    """A sign, a badge or a shop name on a scene patch, boxed as a detector might box it: not a plate."""
    text = sign_text(rng)
    size = rng.randint(14, 44)
    font = ImageFont.truetype(rng.choice(fonts), size)
    l, tp, r, b = font.getbbox(text)
    tw, th = r - l, b - tp
    panel = rng.random() < 0.6
    px, py = (rng.uniform(0.05, 0.25) * th, rng.uniform(0.2, 0.6) * th) if panel else (0.0, 0.0)
    bx, by, bw, bh = -px, -py, tw + 2 * px, th + 2 * py
    # boxed as a detector boxes: edges jittered, at times loose or cutting the text
    j = lambda v: rng.gauss(0, 0.05 * v)
    bx, by, bw, bh = bx + j(bw), by + j(bh), bw * rng.uniform(0.85, 1.15), bh * rng.uniform(0.85, 1.25)
    cx, cy, cw, ch = crop_rect(bx, by, bw, bh)
    ox, oy = math.floor(min(cx, -px)) - 2, math.floor(min(cy, -py)) - 2
    W = int(math.ceil(max(cx + cw, tw + px))) + 2 - ox
    H = int(math.ceil(max(cy + ch, th + py))) + 2 - oy
    img = bgs.patch(rng, W, H)
    d = ImageDraw.Draw(img)
    dark = tuple(rng.randrange(0, 90) for _ in range(3))
    light = tuple(rng.randrange(170, 256) for _ in range(3))
    ink, ground = (dark, light) if rng.random() < 0.5 else (light, dark)
    if panel:
        d.rectangle((-px - ox, -py - oy, tw + px - ox, th + py - oy), fill=ground)
    d.text((-ox - l, -oy - tp), text, font=font, fill=ink)
    return grey_crop(rng, img, (cx - ox, cy - oy, cw, ch))


DRAW = {"stamps": stamp, "signs": sign}


def _draw_chunk(args):
    what, seed, n = args
    rng = random.Random(seed)
    fonts = sorted(str(p) for p in (PACK / "fonts").glob("*.ttf"))
    bgs = Backgrounds()
    return np.stack([DRAW[what](rng, fonts, bgs) for _ in range(n)])


def drawn(what, n, seed, procs):
    """A bank of synthetic non-plates (`stamps` or `signs`), made once and reused on resume."""
    path = WORK / f"check_{what}_{n}_{seed}.npy"
    if not path.exists():
        chunks = [(what, seed * 100003 + i, min(CHUNK, n - i * CHUNK)) for i in range(math.ceil(n / CHUNK))]
        if procs > 1:
            with Pool(procs) as pool:
                parts = pool.map(_draw_chunk, chunks)
        else:
            parts = [_draw_chunk(c) for c in chunks]
        tmp = str(path) + ".tmp.npy"
        np.save(tmp, np.concatenate(parts))
        os.replace(tmp, path)
        print(f"{what} bank: {n} -> {path}")
    return np.load(path)


def probabilities(model, imgs):
    if len(imgs) == 0:
        return np.zeros(0, np.float32)
    model.eval()
    with torch.no_grad():
        x = torch.from_numpy(imgs)[:, None].float() / 255
        return torch.cat([torch.sigmoid(model(x[i:i + 256])) for i in range(0, len(x), 256)]).numpy()


def evaluate(model):
    """The fit split (images the check never trained on): plates and non-plates the threshold keeps."""
    imgs, rows = mined("fit")
    p = probabilities(model, imgs)
    det = [i for i, r in enumerate(rows) if r["kind"] == "det"]
    conf = [i for i in det if rows[i]["verified"]]
    plates = [i for i in conf if rows[i]["plate"]]
    others = [i for i in conf if not rows[i]["plate"]]
    r = {"threshold": THRESHOLD,
         "confirmed_plates": len(plates), "confirmed_plates_lost": int(sum(p[i] < THRESHOLD for i in plates)),
         "confirmed_not_plates": len(others), "confirmed_not_plates_vetoed": int(sum(p[i] < THRESHOLD for i in others)),
         "all_detector_boxes_accuracy": round(float(np.mean([(p[i] >= 0.5) == rows[i]["plate"] for i in det])), 4) if det else None,
         "labelled_plates_lost": int(sum(p[i] < THRESHOLD for i, r in enumerate(rows) if r["kind"] == "label"))}
    print(json.dumps(r))
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=12)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--synth", type=int, default=6000, help="synthetic plates (the corner net's samples)")
    ap.add_argument("--stamps", type=int, default=2000, help="dates and times on scene patches")
    ap.add_argument("--signs", type=int, default=4000, help="signs and badges on scene patches (0: none, candidate 1)")
    ap.add_argument("--dropout", type=float, default=0.3, help="before the last layer (0: none, candidate 1)")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--name", default="check")
    ap.add_argument("--eval", action="store_true", help="report the mined fit split's numbers and stop")
    a = ap.parse_args()
    for k in ("synth", "stamps", "steps", "threads"):
        if getattr(a, k) < 1:
            ap.error(f"--{k} must be at least 1, got {getattr(a, k)}")
    if a.batch < 2:
        ap.error(f"--batch must be at least 2 (half plates, half not), got {a.batch}")
    if not a.minutes > 0 or not a.lr > 0:
        ap.error(f"--minutes and --lr must be above 0, got {a.minutes} and {a.lr}")
    if a.signs < 0:
        ap.error(f"--signs must be 0 or more, got {a.signs}")
    if not 0 <= a.dropout < 1:
        ap.error(f"--dropout must be from 0 to under 1, got {a.dropout}")
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    path = CKPT / f"{a.name}.pt"
    model = CheckNet(a.dropout)
    if a.eval:
        if not path.exists():
            ap.error(f"--eval: no checkpoint {path} (train one first, or give its --name)")
        st = torch.load(path, map_location="cpu")
        model = CheckNet(st.get("dropout", 0.0))
        model.load_state_dict(st["model"])
        report(a, evaluate(model))
        return
    if path.exists():  # a resumed run keeps its recipe: another one would be two runs in one checkpoint
        st = torch.load(path, map_location="cpu")
        now = {"synth": a.synth, "stamps": a.stamps, "signs": a.signs, "dropout": a.dropout, "seed": a.seed}
        was = {k: st.get(k) for k in now}
        if any(was[k] is not None and was[k] != now[k] for k in now):
            ap.error(f"{path} was trained with {was}; resuming it with {now} would mix two recipes: give another --name")
    real, rows = mined("train")
    pos = torch.from_numpy(np.concatenate([real[[i for i, r in enumerate(rows) if r["plate"]]],
                                           bank(a.synth, a.seed + 60, a.procs)[0]]))
    neg_real = [i for i, r in enumerate(rows) if not r["plate"]]
    neg_weights = torch.tensor([HARD if rows[i]["verified"] else 1 for i in neg_real], dtype=torch.float)
    signs = drawn("signs", a.signs, a.seed, a.procs) if a.signs else np.zeros((0, CORNER_H, CORNER_W), np.uint8)
    neg = torch.from_numpy(np.concatenate([real[neg_real], drawn("stamps", a.stamps, a.seed, a.procs), signs]))
    # the stamps, as a group, are drawn as often as the mined confirmed non-plates, and so are the signs
    hard = float(neg_weights[neg_weights > 1].sum()) if bool((neg_weights > 1).any()) else float(a.stamps)
    weights = torch.cat([neg_weights, torch.full((a.stamps,), hard / a.stamps)]
                        + ([torch.full((a.signs,), hard / a.signs)] if a.signs else []))
    print(f"plates {len(pos)} (real {len(pos) - a.synth}), not plates {len(neg)} (real {len(neg_real)}, "
          f"confirmed {int((neg_weights > 1).sum())}, stamps {a.stamps}, signs {a.signs})")
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    CKPT.mkdir(parents=True, exist_ok=True)
    step, spent, _ = start_or_resume(path, "", model, opt, "cpu", a.name)
    g = torch.Generator().manual_seed(a.seed + step)

    def save():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                    "spent": spent + time.time() - t0, "synth": a.synth, "stamps": a.stamps, "signs": a.signs,
                    "dropout": a.dropout, "seed": a.seed,
                    "mined_plates": len(pos) - a.synth, "mined_not_plates": len(neg_real)}, str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)

    t0, hist = time.time(), []
    half = a.batch // 2
    y = torch.cat([torch.ones(half), torch.zeros(a.batch - half)])
    model.train()
    while step < a.steps and spent + time.time() - t0 < a.minutes * 60:
        pi = torch.randint(0, len(pos), (half,), generator=g)
        ni = torch.multinomial(weights, a.batch - half, replacement=True, generator=g)
        x = torch.cat([pos[pi], neg[ni]])[:, None].float() / 255
        x = photometric(x, g)
        loss = F.binary_cross_entropy_with_logits(model(x), y)
        optimise(opt, loss, model.parameters(), 5.0, a, step, spent + time.time() - t0)
        step += 1
        hist.append(loss.item())
        if step % 200 == 0:
            print(f"step {step} loss {np.mean(hist[-200:]):.4f} {time.time() - t0:.0f}s", flush=True)
        if step % 1000 == 0:
            save()
    save()
    print(f"{a.name} stopped at step {step}")
    report(a, evaluate(model))


def report(a, r):
    """The fit split's numbers, beside the checkpoint, for the model card."""
    json.dump({**r, "checkpoint": f"{a.name}.pt"}, open(WORK / f"{a.name}-eval.json", "w"), indent=2)


if __name__ == "__main__":
    main()
