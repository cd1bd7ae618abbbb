"""Shared constants for the Canvass training pipeline: paths, charset, splits, seeding.

Everything that two stages must agree on (the reader charset, the held-out split of the
real US crops, the model input sizes) lives here so that export and evaluation cannot drift.
"""
import hashlib
import os
import random
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TRAINING = ROOT / "training"
WORK = Path(os.environ.get("CANVASS_WORK", TRAINING / "work"))
PACK = WORK / "pack"            # everything a training run needs, self-contained (GPU carry)
CKPT = Path(os.environ.get("CANVASS_CKPT", WORK / "checkpoints"))
MODELS = Path(os.environ.get("CANVASS_MODELS", ROOT / "models"))
DATA = Path(os.environ.get("CANVASS_DATA", ROOT.parent / "shared" / "data"))

# Reader: blank is class 0, then the US charset. Export and the TypeScript decoder share it.
CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
READER_H, READER_W = 48, 160
READER_MAX_LEN = 10

# Detector: trained on square crops, exported with dynamic H, W (multiples of 32).
DET_TRAIN_SIZE = 512
DET_STRIDE = 4

FONT_DIRS = [
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/freefont",
    "/usr/share/fonts/truetype/roboto/unhinted",
]


def seed_all(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:
        pass


def us_split(files):
    """Fixed split of us-plate-crops: in name order, even positions may be used for
    fine-tuning, odd positions are held out for reporting. Interleaving keeps every state on
    both sides; the rule depends only on file names, never on model results."""
    ordered = sorted(files)
    tune = [f for i, f in enumerate(ordered) if i % 2 == 0]
    held = [f for i, f in enumerate(ordered) if i % 2 == 1]
    return tune, held


def tune_fold(tune_files, every):
    """Validation fold inside the tuning half: in the sorted list of even-position files,
    position i is validation when i % every == 0 (every 5th: 75 of 373 crops). It is left out
    of fine-tuning (and, with `train_reader.py --us-val-every`, of training) so that model
    choice never needs the held-out half. Depends only on file names."""
    if every <= 0:
        return list(tune_files), []
    val = [f for i, f in enumerate(tune_files) if i % every == 0]
    train = [f for i, f in enumerate(tune_files) if i % every != 0]
    return train, val


def clean_text(s: str) -> str:
    return "".join(c for c in s.upper() if c in CHARSET)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def set_lr(opt, max_lr: float, progress: float) -> None:
    """Warm-up then cosine decay over the run's budget (steps or minutes, whichever ends
    first), so a time-boxed run on any hardware still ends at a low learning rate."""
    import math

    p = min(max(progress, 0.0), 1.0)
    lr = max_lr * min(1.0, p / 0.03) * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * p)))
    for g in opt.param_groups:
        g["lr"] = lr


def optimise(opt, loss, params, clip: float, a, step: int, elapsed: float) -> None:
    """One optimiser step of a time-boxed run: clear, backpropagate, clip the gradient norm at
    `clip`, set the learning rate for the run's progress (`a.lr`, `a.steps`, `a.minutes`;
    `elapsed` seconds so far, resumed runs included) and step."""
    import torch.nn as nn

    opt.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_(params, clip)
    set_lr(opt, a.lr, max(step / a.steps, elapsed / (a.minutes * 60)))
    opt.step()


def freeze_bn(model) -> None:
    """BatchNorm layers to eval mode (call after model.train()): a fine-tune keeps the base's
    statistics. Required for checkpoints rebuilt from ONNX (onnx_to_ckpt.py), whose BatchNorms are
    identities after folded convolutions: batch statistics would rescale every layer."""
    import torch.nn as nn

    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()


def folded_bn(init: str, path: Path, step: int) -> bool:
    """Whether a training run keeps its BatchNorms frozen (`freeze_bn`): it started from a checkpoint
    rebuilt from ONNX (`--init`) or from a fine-tune of one (whose checkpoint says its BatchNorms were
    frozen), or, resumed, its own checkpoint says it did."""
    import torch

    if step == 0:
        if not init:
            return False
        st = torch.load(init, map_location="cpu")
        return bool(st.get("from_onnx") or st.get("frozen_bn"))
    return path.exists() and bool(torch.load(path, map_location="cpu").get("frozen_bn"))


def check_init(init: str, path: Path) -> None:
    """Refuse an `--init` run that would overwrite its own source, or resume a checkpoint
    `path` that was started from something else (the shipped checkpoints stay untouched)."""
    import sys

    import torch

    if not init:
        return
    if Path(init).resolve() == path.resolve():
        sys.exit(f"--init {init} is the checkpoint this run would write: give another --name")
    if path.exists() and torch.load(path, map_location="cpu").get("init") != Path(init).name:
        sys.exit(f"{path} exists and was not started from {init}: give another --name or remove it")


def start_or_resume(path: Path, init: str, model, opt, dev, label: str):
    """Resume `path` (weights, optimiser, step, seconds spent) when it exists; otherwise start
    from `init`'s weights with a fresh optimiser and schedule (fine-tuning), or from scratch.
    Returns (step, seconds spent, init name recorded in the checkpoint)."""
    import torch

    if path.exists():
        st = torch.load(path, map_location=dev)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        print(f"resumed {label} at step {st['step']}")
        return st["step"], st.get("spent", 0.0), st.get("init", "")
    if init:
        model.load_state_dict(torch.load(init, map_location=dev)["model"])
        print(f"{label}: starting from the weights of {init}")
        return 0, 0.0, Path(init).name
    return 0, 0.0, ""
