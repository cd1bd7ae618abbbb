"""Stage `finetune-reader`: fine-tunes a trained reader checkpoint on the real US crops of the
tuning half (even positions of `common.us_split`), mixed with a fresh synthetic bank (other seed
than the training bank) and a few Brazilian crops so the reader does not forget.

Validation (model choice, stopping, the ship/no-ship gate) uses ONLY a fold of the tuning half:
every `--val-every`-th even-position crop (`common.tune_fold`). Those crops are never fine-tuned on. The
odd positions (the held-out half) are not loaded here at all.

Augmentation for the real crops is done from a 2x grey copy of each original (96x320) so crop
jitter can cut into or widen the frame: per-side jitter (some samples keep more of the plate
border and stickers, others cut into it), small rotation, shear and perspective, then a 2x2
box filter down to 48x160 (close to PIL's antialiased resize used at inference), then the
photometric augmentation of the main training (contrast, brightness, gamma, blur, low-res,
noise) and 10% inversion.

Resumable: checkpoints `<name>.pt` every `--ckpt-every` steps (model, optimiser, step, RNG
seeds are a function of seed + step), `<name>-best.pt` whenever the validation improves, and
`work/finetune/<name>.json` with the validation history and the gate decision.
"""
import argparse
import csv
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from augment import affine, photometric
from common import CHARSET, CKPT, DATA, PACK, READER_H, READER_W, WORK, clean_text, freeze_bn, seed_all, optimise, tune_fold, us_split
from synth_bank import ensure
from train_reader import Reader, ctc_loss, fold_report, photo_texts

SRC_H, SRC_W = 2 * READER_H, 2 * READER_W


def load_us(every):
    """US tuning half from the pack (prepare.py): 2x grey copies to fine-tune on, and the
    validation fold at 48x160 exactly as inference sees it (reader_real.npz). The held-out half
    is not in the pack. Same file order and fold as `common.tune_fold` over the tuning list."""
    big_path = PACK / "us_tune_2x.npz"
    if not big_path.exists():
        raise SystemExit(f"{big_path} missing: rerun `pipeline.py prepare --force` "
                         "(or `prepare.py --reader-only`)")
    big = np.load(big_path)
    real = np.load(PACK / "reader_real.npz")
    us = real["source"] == "us"
    small = dict(zip((str(f) for f in real["files"][us]), real["images"][us]))
    files = [str(f) for f in big["files"]]
    labels = DATA / "us-plate-crops" / "labels.csv"
    tune = (us_split([r["file"] for r in csv.DictReader(open(labels))])[0] if labels.exists()
            else sorted(files))  # bare GPU box: the pack's list (equal unless a label is empty)
    val = set(tune_fold(tune, every)[1])
    tr = [i for i, f in enumerate(files) if f not in val]
    va = [i for i, f in enumerate(files) if f in val]
    texts = big["texts"]
    return ((big["images"][tr], texts[tr]),
            (np.stack([small[files[i]] for i in va]), texts[va]),
            {"train": [files[i] for i in tr], "val": [files[i] for i in va]})


def real_geometry(x, g, border=(-0.06, 0.10), rot_deg=3.0, shear=0.08, persp=0.06, ty=0.06):
    """x: B,1,96,320 in 0..1 -> B,1,48,160. Per-side crop jitter (positive = widen, keeping more
    of the frame; negative = cut in), rotation, shear, perspective; border padding."""
    b, dev = x.shape[0], x.device
    r = lambda lo, hi: torch.rand(b, generator=g, device=dev) * (hi - lo) + lo
    left, right = r(*border), r(*border)
    top, bot = r(border[0], border[1] * 1.2), r(border[0], border[1] * 1.2)
    # output [-1,1] maps to source [-1-2*left, 1+2*right] (fractions of the width)
    sx, cx = 1 + left + right, right - left
    sy, cy = 1 + top + bot, bot - top
    ang = r(-rot_deg, rot_deg) * math.pi / 180
    sh = r(-shear, shear)
    H = torch.zeros(b, 3, 3, device=dev)
    H[:, 0, 0] = sx * torch.cos(ang)
    H[:, 0, 1] = -torch.sin(ang) * sy * 0.3 + sh   # plates are 3.3:1, so rotate in pixel units
    H[:, 0, 2] = cx
    H[:, 1, 0] = torch.sin(ang) * sx * 3.3
    H[:, 1, 1] = sy * torch.cos(ang)
    H[:, 1, 2] = cy + r(-ty, ty)
    H[:, 2, 0] = r(-persp, persp)
    H[:, 2, 1] = r(-persp, persp)
    H[:, 2, 2] = 1
    ys = torch.linspace(-1, 1, SRC_H, device=dev)
    xs = torch.linspace(-1, 1, SRC_W, device=dev)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    pts = torch.stack([gx, gy, torch.ones_like(gx)], -1).view(1, -1, 3)  # 1,HW,3
    q = pts @ H.transpose(1, 2)  # B,HW,3
    grid = (q[..., :2] / q[..., 2:3]).view(b, SRC_H, SRC_W, 2)
    out = F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=True)
    return F.avg_pool2d(out, 2)


@torch.no_grad()
def validate(model, vx, vt, ctc):
    model.eval()
    dev = next(model.parameters()).device
    x = torch.from_numpy(vx).float().div(255).unsqueeze(1).to(dev)
    return fold_report(model(x).float().cpu(), [str(t) for t in vt], ctc)


def distill_loss(logits, teacher, x, texts, keep):
    """KL(base || fine-tuned) of the frame probabilities of the samples in `keep`, summed over a
    sample's frames and divided by its text length (the CTC loss's per-character scale), averaged."""
    m = torch.tensor(keep, device=logits.device)
    with torch.no_grad():
        t = F.log_softmax(teacher(x[m]), -1)
    s = F.log_softmax(logits[m], -1)
    kl = (t.exp() * (t - s)).sum(-1).sum(-1)
    chars = torch.tensor([max(1, len(tx)) for tx, k in zip(texts, keep) if k], dtype=kl.dtype, device=kl.device)
    return (kl / chars).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="reader", help="checkpoint under checkpoints/ to start from")
    ap.add_argument("--name", default="reader-ft", help="output checkpoint name")
    ap.add_argument("--steps", type=int, default=240)
    ap.add_argument("--minutes", type=float, default=35, help="time cap (the cosine schedule ends at whichever comes first)")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--mix", default="0.5,0.4,0.1",
                    help="US tuning, fresh synthetic, BR weights; a 4th weight adds the training photos read by "
                         "eye (prepare.py: photos_2x.npz)")
    ap.add_argument("--photo-o-zero", action="store_true",
                    help="train on the photos' labels with every letter O written as the digit 0, the US tuning "
                         "labels' convention (171 of their 175 round glyphs are written 0)")
    ap.add_argument("--distill", type=float, default=0.0,
                    help="weight of a KL term that keeps the reader's frame probabilities on the US, synthetic and "
                         "BR crops near the base reader's (per character, like the CTC loss); photos learn freely")
    ap.add_argument("--synth", type=int, default=4000, help="fresh synthetic bank size")
    ap.add_argument("--synth-seed", type=int, default=23, help="bank seed; the training bank uses 7")
    ap.add_argument("--val-every", type=int, default=5)
    ap.add_argument("--eval-every", type=int, default=40)
    ap.add_argument("--ckpt-every", type=int, default=20)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--procs", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    out_dir = WORK / "finetune"
    out_dir.mkdir(parents=True, exist_ok=True)
    log_path = out_dir / f"{a.name}.json"

    (ux, ut), (vx, vt), files = load_us(a.val_every)
    real = np.load(PACK / "reader_real.npz")
    br = (real["images"][real["source"] == "br"], real["texts"][real["source"] == "br"])
    syn = np.load(ensure("reader", a.synth, a.synth_seed, a.procs))
    syn = (syn["images"], syn["texts"])
    weights = np.array([float(w) for w in a.mix.split(",")])
    if len(weights) not in (3, 4) or (weights < 0).any() or weights.sum() <= 0:
        raise SystemExit(f"--mix needs 3 or 4 non-negative weights, got {a.mix!r}")
    weights /= weights.sum()
    photos = None
    if len(weights) == 4:
        path = PACK / "photos_2x.npz"
        if not path.exists():
            raise SystemExit(f"{path} missing: a 4th --mix weight needs labels/openimages-train-text.csv and "
                             "`prepare.py --reader-only`")
        ph = np.load(path)
        photos = (ph["images"], photo_texts(ph["texts"], a.photo_o_zero))
    print(f"fine-tune: US train {len(ux)}, US val {len(vx)}, synthetic {len(syn[0])} (seed {a.synth_seed}), BR {len(br[0])}"
          + (f", photos {len(photos[0])}" if photos else ""))

    if not (CKPT / f"{a.base}.pt").exists():
        raise SystemExit(f"{CKPT / a.base}.pt missing: train it (train-reader), or rebuild a shipped reader's checkpoint "
                         "from its float ONNX (onnx_to_ckpt.py; GPU run 1's: git show 6975bb7:models/plate-reader.onnx)")
    base = torch.load(CKPT / f"{a.base}.pt", map_location="cpu")
    arch = base.get("arch", "wide")
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    model = Reader(arch)
    model.load_state_dict(base["model"])
    model.to(dev)
    teacher = None
    if a.distill > 0:  # the base reader, frozen: what the fine-tune may not forget
        teacher = Reader(arch)
        teacher.load_state_dict(base["model"])
        teacher.to(dev).eval().requires_grad_(False)
        print(f"distilling toward {a.base} (KL weight {a.distill}) on the US, synthetic and BR crops")
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    path, best_path = CKPT / f"{a.name}.pt", CKPT / f"{a.name}-best.pt"
    step, spent, hist = 0, 0.0, {"config": vars(a), "base": a.base, "base_step": base["step"],
                                 "us_files": {k: len(v) for k, v in files.items()}, "val": []}
    if path.exists():
        st = torch.load(path, map_location=dev)
        model.load_state_dict(st["model"]); opt.load_state_dict(st["opt"])
        step, spent = st["step"], st["spent"]
        hist = json.load(open(log_path))
        print(f"resumed {a.name} at step {step}")
    else:
        v = validate(model, vx, vt, ctc)
        hist["val"].append({"step": 0, **v})
        hist["base_val"] = {"exact": v["exact"], "loss": v["loss"]}
        hist["best"] = {"step": 0, "exact": v["exact"], "loss": v["loss"]}
        print(f"base {a.base} val exact {v['exact']:.4f} loss {v['loss']:.4f} errors {v['errors'][:10]}{' ...' if len(v['errors']) > 10 else ''}", flush=True)

    def save():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                    "spent": spent + time.time() - t0, "arch": arch, "base": a.base,
                    "base_step": base["step"]}, str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)
        json.dump(hist, open(log_path, "w"), indent=1)

    t0, losses, kls = time.time(), [], []
    model.train(); freeze_bn(model)
    while step < a.steps and spent + time.time() - t0 < a.minutes * 60:
        rng = np.random.default_rng(a.seed * 1000003 + step)  # batch = f(seed, step): exact resume
        g = torch.Generator(device=dev); g.manual_seed(a.seed * 1000003 + step)
        n_us, n_syn, n_br, *n_ph = rng.multinomial(a.batch, weights)
        parts, texts, keep = [], [], []
        for (im, tx), n, kd in (((ux, ut), n_us, True), *((photos, k, False) for k in n_ph)):
            if n:
                ix = rng.integers(0, len(im), n)
                parts.append(real_geometry(torch.from_numpy(im[ix]).to(dev).float().div(255).unsqueeze(1), g))
                texts += [str(t) for t in tx[ix]]
                keep += [kd] * int(n)
        for (im, tx), n in ((syn, n_syn), (br, n_br)):
            if n:
                ix = rng.integers(0, len(im), n)
                parts.append(affine(torch.from_numpy(im[ix]).to(dev).float().div(255).unsqueeze(1), g))
                texts += [str(t) for t in tx[ix]]
                keep += [True] * int(n)
        x = photometric(torch.cat(parts), g)
        flip = torch.rand(x.shape[0], 1, 1, 1, generator=g, device=dev) < 0.1
        x = torch.where(flip, 1 - x, x)
        logits = model(x)
        loss = ctc_loss(logits, texts, ctc)
        if teacher is not None and any(keep):
            kl = distill_loss(logits, teacher, x, texts, keep)
            loss = loss + a.distill * kl
            kls.append(kl.item())
        optimise(opt, loss, model.parameters(), 5.0, a, step, spent + time.time() - t0)
        step += 1
        losses.append(loss.item())
        if step % 10 == 0:
            print(f"step {step} loss {np.mean(losses[-10:]):.3f}{f' kl {np.mean(kls[-10:]):.4f}' if kls else ''} lr {opt.param_groups[0]['lr']:.2e} "
                  f"{spent + time.time() - t0:.0f}s", flush=True)
        if step % a.eval_every == 0 or step >= a.steps:
            v = validate(model, vx, vt, ctc)
            model.train(); freeze_bn(model)
            hist["val"].append({"step": step, **v})
            b = hist["best"]
            if v["exact"] > b["exact"] or (v["exact"] == b["exact"] and v["loss"] < b["loss"]):
                hist["best"] = {"step": step, "exact": v["exact"], "loss": v["loss"]}
                torch.save({"model": model.state_dict(), "step": step, "arch": arch, "base": a.base,
                            "base_step": base["step"]}, best_path)
            print(f"val step {step} exact {v['exact']:.4f} loss {v['loss']:.4f} errors {v['errors'][:10]}{' ...' if len(v['errors']) > 10 else ''}", flush=True)
        if step % a.ckpt_every == 0:
            save()
    # Gate: ship only when the best fine-tuned checkpoint is strictly better than the base on
    # exact reading of the validation fold (ties keep the base model).
    hist["ship"] = hist["best"]["step"] > 0 and hist["best"]["exact"] > hist["base_val"]["exact"]
    save()
    print(f"fine-tune stopped at step {step}; base val {hist['base_val']}, best {hist['best']}, ship {hist['ship']}")


if __name__ == "__main__":
    main()
