"""Stage `train-reader`: CTC plate reader (CNN + BiLSTM), grey 48x160 input, US charset.

Batches mix the synthetic US bank, the tuning half of the real US crops and the Brazilian
crops (weighted low: they teach real photo texture, not US layouts). Augmentation runs on the
training device. Checkpoints every `--ckpt-every` steps and on exit; rerunning resumes.
The model is chosen by step count alone (last checkpoint), never by a real validation set.
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from augment import affine, photometric
from common import optimise, check_init, folded_bn, freeze_bn, start_or_resume, CHARSET, CKPT, DATA, PACK, READER_H, READER_W, clean_text, seed_all, tune_fold, us_split
from synth_bank import ensure

N_CLASSES = len(CHARSET) + 1  # + CTC blank at 0


def conv_bn(cin, cout, k=3, pad=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=pad, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


ARCHS = {  # channels per stage, LSTM hidden size
    "small": ((16, 32, 64, 96, 128), 64),   # shipped: meets the <= 2 ms/crop target on CPU
    "wide": ((32, 64, 96, 128, 160), 96),   # comparison only (about 2x slower)
}


class Reader(nn.Module):
    """48x160 grey -> 40 time steps x 37 class logits."""

    def __init__(self, arch="small"):
        super().__init__()
        (c1, c2, c3, c4, c5), hid = ARCHS[arch]
        self.arch = arch
        self.cnn = nn.Sequential(
            conv_bn(1, c1), nn.MaxPool2d(2),                    # 24 x 80
            conv_bn(c1, c2), nn.MaxPool2d(2),                   # 12 x 40
            conv_bn(c2, c3), conv_bn(c3, c3), nn.MaxPool2d((2, 1)),     # 6 x 40
            conv_bn(c3, c4), conv_bn(c4, c4), nn.MaxPool2d((2, 1)),     # 3 x 40
            conv_bn(c4, c5, k=(3, 3), pad=(0, 1)),              # 1 x 40
        )
        self.rnn = nn.LSTM(c5, hid, bidirectional=True, batch_first=True)
        self.fc = nn.Linear(2 * hid, N_CLASSES)

    def forward(self, x):  # x: B,1,48,160 in 0..1
        f = self.cnn((x - 0.5) / 0.25).squeeze(2).permute(0, 2, 1)
        f, _ = self.rnn(f)
        return self.fc(f)  # logits B,T,C


def encode(texts):
    idx = [[CHARSET.index(c) + 1 for c in t] for t in texts]
    return (torch.tensor([i for s in idx for i in s], dtype=torch.long),
            torch.tensor([len(s) for s in idx], dtype=torch.long))


def ctc_loss(logits, texts, ctc):
    """CTC loss of B,T,C logits against the texts (blank = class 0; every column is a step)."""
    tg, tl = encode(texts)
    lp = F.log_softmax(logits, -1).permute(1, 0, 2)
    il = torch.full((logits.shape[0],), lp.shape[0], dtype=torch.long)
    return ctc(lp, tg.to(logits.device), il, tl)


def fold_report(logits, texts, ctc):
    """Greedy reading of B,T,C logits against labelled texts: exact share, CTC loss, misreads
    as (truth, read). What the fine-tuning and context-head stages validate with."""
    pred = greedy(logits)
    errors = [(t, p) for p, t in zip(pred, texts) if p != t]
    return {"exact": 1 - len(errors) / len(texts), "loss": ctc_loss(logits, texts, ctc).item(), "errors": errors}


def greedy(logits):
    out = []
    for row in logits.argmax(-1).tolist():
        s, prev = [], 0
        for k in row:
            if k != prev and k != 0:
                s.append(CHARSET[k - 1])
            prev = k
        out.append("".join(s))
    return out


class Sampler:
    """Draws mixed batches from in-memory uint8 arrays."""

    def __init__(self, banks, weights, seed):
        self.banks = banks  # list of (images uint8 N,H,W, texts)
        self.w = np.array(weights, np.float64) / sum(weights)
        self.rng = np.random.default_rng(seed)

    def batch(self, n):
        counts = self.rng.multinomial(n, self.w)
        imgs, texts = [], []
        for (im, tx), c in zip(self.banks, counts):
            ix = self.rng.integers(0, len(im), c)
            imgs.append(im[ix]); texts += [str(t) for t in tx[ix]]
        return np.concatenate(imgs), texts


def us_pack_files(real):
    """File names of the packed US crops (packs older than the `files` field: rebuilt from the
    labels with prepare.py's rule)."""
    if "files" in real.files:
        return [str(f) for f in real["files"][real["source"] == "us"]]
    import csv
    rows = {r["file"]: r for r in csv.DictReader(open(DATA / "us-plate-crops" / "labels.csv"))}
    return [f for f in us_split(rows.keys())[0] if clean_text(rows[f]["plate"])]


def photo_crops(o_zero=False):
    """The training photos read by eye (prepare.py photos_2x.npz) at the reader's size: the 2x
    grey copies averaged 2x2, as finetune_reader.py's real_geometry ends. `o_zero` writes their
    letter O as 0 (the US tuning labels' convention)."""
    ph = np.load(PACK / "photos_2x.npz")
    im = ph["images"].astype(np.float32)
    small = (im[:, 0::2, 0::2] + im[:, 1::2, 0::2] + im[:, 0::2, 1::2] + im[:, 1::2, 1::2]) / 4
    return np.rint(small).astype(np.uint8), photo_texts(ph["texts"], o_zero)


def photo_texts(texts, o_zero):
    """The photos' labels, their letter O written as the digit 0 with `o_zero` (the US tuning
    labels' convention: 171 of their 175 round glyphs are written 0)."""
    return np.array([str(t).replace("O", "0") for t in texts]) if o_zero else texts


def load_banks(synth_n, seed, procs, us_val_every=0, pseudo=False, photos=False, photo_o_zero=False):
    real = np.load(PACK / "reader_real.npz")
    src = real["source"]
    us = (real["images"][src == "us"], real["texts"][src == "us"])
    if us_val_every > 0:  # keep the fine-tuning validation fold out of training too
        files = us_pack_files(real)
        assert len(files) == len(us[0]), "pack and labels disagree; rerun prepare --force"
        labels = DATA / "us-plate-crops" / "labels.csv"
        if labels.exists():  # same positions as finetune_reader.py (full tuning list)
            import csv
            tune = us_split([r["file"] for r in csv.DictReader(open(labels))])[0]
        else:  # bare GPU box: the pack's list (equal unless a label is empty)
            tune = sorted(files)
        val = set(tune_fold(tune, us_val_every)[1])
        keep = np.array([f not in val for f in files])
        us = (us[0][keep], us[1][keep])
        print(f"US tuning crops: {keep.sum()} trained on, {len(val)} kept out (validation fold)")
    br = (real["images"][src == "br"], real["texts"][src == "br"])
    synth = np.load(ensure("reader", synth_n, seed, procs))
    banks = [(synth["images"], synth["texts"]), us, br]
    if pseudo:
        ps = np.load(PACK / "pseudo_real.npz")  # prepare.py, after pseudo_label.ts
        banks.append((ps["images"], ps["texts"]))
        print(f"pseudo-labelled crops: {len(ps['texts'])}")
    if photos:
        if not (PACK / "photos_2x.npz").exists():
            raise SystemExit("a 5th --mix weight needs the training photos read by eye: rerun prepare.py")
        banks.append(photo_crops(photo_o_zero))
        print(f"training photos read by eye: {len(banks[-1][1])}")
    return banks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--synth", type=int, default=40000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--arch", default="small", choices=sorted(ARCHS))
    ap.add_argument("--name", default="reader", help="checkpoint name under checkpoints/")
    ap.add_argument("--mix", default="0.55,0.3,0.15",
                    help="synthetic, US tuning, BR weights; a 4th weight adds the pseudo-labelled crops, a 5th "
                         "the training photos read by eye (a weight of 0 leaves its source out)")
    ap.add_argument("--photo-o-zero", action="store_true",
                    help="train on the photos' labels with every letter O written 0 (the US tuning labels' convention)")
    ap.add_argument("--us-val-every", type=int, default=0,
                    help="leave the validation fold of the US tuning half (common.tune_fold) out of "
                         "training; 0 = train on all of it (what the shipped GPU runs did)")
    ap.add_argument("--init", default="", help="continue training: start from this checkpoint's weights "
                    "with a fresh optimiser and schedule (NAME.pt, if it exists, resumes only when started from it)")
    a = ap.parse_args()
    path = CKPT / f"{a.name}.pt"
    check_init(a.init, path)
    if a.init and not path.exists() and torch.load(a.init, map_location="cpu").get("arch", "wide") != a.arch:
        raise SystemExit(f"--init {a.init} is not a {a.arch} reader: pass its --arch")
    torch.set_num_threads(a.threads)
    seed_all(a.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    mix = [float(v) for v in a.mix.split(",")]
    if not 3 <= len(mix) <= 5 or min(mix) < 0 or sum(mix) <= 0:
        raise SystemExit(f"--mix needs 3 to 5 non-negative weights, got {a.mix!r}")
    banks = load_banks(a.synth, a.seed, a.procs, a.us_val_every, pseudo=len(mix) > 3 and mix[3] > 0,
                       photos=len(mix) > 4 and mix[4] > 0, photo_o_zero=a.photo_o_zero)
    synth = banks[0]
    used = mix[:3] + [w for w in mix[3:] if w > 0]  # an extra source weighted 0 was not loaded
    sampler = Sampler(banks, used, a.seed)
    model = Reader(a.arch).to(dev)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=1e-4)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    CKPT.mkdir(parents=True, exist_ok=True)
    step, spent, init = start_or_resume(path, a.init, model, opt, dev, a.name)
    frozen_bn = folded_bn(a.init, path, step)  # a reader rebuilt from ONNX keeps its folded BatchNorms
    if frozen_bn:
        print("BatchNorm statistics frozen (the --init reader was rebuilt from ONNX)")
    sampler.rng = np.random.default_rng(a.seed + step)
    g = torch.Generator(device=dev)
    g.manual_seed(a.seed + step)
    # fixed synthetic probe (not real data): tracks progress without touching validation sets
    probe_x = torch.from_numpy(synth[0][-512:]).float().div(255).unsqueeze(1).to(dev)
    probe_t = [str(t) for t in synth[1][-512:]]

    def save():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(),
                    "step": step, "spent": spent + time.time() - t0, "arch": a.arch, "init": init, "frozen_bn": frozen_bn}, str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)

    t0, losses = time.time(), []
    model.train()
    if frozen_bn:
        freeze_bn(model)
    while step < a.steps and spent + time.time() - t0 < a.minutes * 60:
        imgs, texts = sampler.batch(a.batch)
        x = torch.from_numpy(imgs).float().div(255).unsqueeze(1).to(dev)
        x = photometric(affine(x, g), g)
        flip = torch.rand(x.shape[0], 1, 1, 1, generator=g, device=dev) < 0.1
        x = torch.where(flip, 1 - x, x)  # light-on-dark plates
        logits = model(x)
        loss = ctc_loss(logits, texts, ctc)
        optimise(opt, loss, model.parameters(), 5.0, a, step, spent + time.time() - t0)
        step += 1
        losses.append(loss.item())
        if step % 50 == 0:
            model.eval()
            with torch.no_grad():
                pred = greedy(model(probe_x))
            acc = np.mean([p == t for p, t in zip(pred, probe_t)])
            model.train()
            if frozen_bn:
                freeze_bn(model)
            print(f"step {step} loss {np.mean(losses[-50:]):.3f} synth-probe {acc:.3f} "
                  f"lr {opt.param_groups[0]['lr']:.2e} {time.time() - t0:.0f}s", flush=True)
        if step % a.ckpt_every == 0:
            save()
    save()
    print(f"reader stopped at step {step}")


if __name__ == "__main__":
    main()
