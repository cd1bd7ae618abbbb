"""Stage `synth`: renders seeded banks of synthetic plates with a process pool.

reader bank:   N grey crops (48x160) + texts, for the reader.
scene bank:    N RGBA plate tiles (64x128, perspective applied, alpha = plate area) for
               compositing into detector training scenes.
Chunks are seeded by their index, so a bank is identical whatever the number of processes,
and a half-written bank is simply rebuilt (banks are cheap compared with training).
"""
import argparse
import math
import os
import random
from multiprocessing import Pool

import numpy as np
from PIL import Image

from common import PACK, READER_H, READER_W, WORK
from synth_plates import FontBank, _perspective_coeffs, render_crop, render_for_scene

CHUNK = 500
_fonts = None


def _font_bank():
    global _fonts
    if _fonts is None:
        _fonts = FontBank([str(PACK / "fonts")])
    return _fonts


def _reader_chunk(args):
    seed, n = args
    rng = random.Random(seed)
    out = [render_crop(rng, _font_bank(), READER_W, READER_H) for _ in range(n)]
    return np.stack([o[0] for o in out]), [o[1] for o in out]


def _scene_chunk(args):
    seed, n = args
    rng = random.Random(seed)
    tiles = []
    for _ in range(n):
        img, _text = render_for_scene(rng, _font_bank())
        rgba = img.convert("RGBA")
        # perspective/rotation with transparent surroundings, so the box follows the plate
        w, h = rgba.size
        pad = w // 4
        big = Image.new("RGBA", (w + 2 * pad, h + 2 * pad), (0, 0, 0, 0))
        big.paste(rgba, (pad, pad))
        j = lambda s: rng.uniform(-s, s)
        src = [(pad + j(0.12 * w), pad + j(0.15 * h)), (pad + w + j(0.12 * w), pad + j(0.15 * h)),
               (pad + w + j(0.12 * w), pad + h + j(0.15 * h)), (pad + j(0.12 * w), pad + h + j(0.15 * h))]
        xs, ys = [p[0] for p in src], [p[1] for p in src]
        box = (min(xs), min(ys), max(xs), max(ys))
        rect = [(pad, pad), (pad + w, pad), (pad + w, pad + h), (pad, pad + h)]
        # PIL maps output to input coordinates: output quad `src` samples the plate rectangle
        warped = big.transform(big.size, Image.PERSPECTIVE, _perspective_coeffs(src, rect),
                               Image.BILINEAR)
        tile = warped.crop(tuple(int(v) for v in box)).resize((128, 64), Image.BILINEAR)
        tiles.append(np.asarray(tile, np.uint8))
    return np.stack(tiles), []


def build(kind, n, seed, procs, out):
    chunks = [(seed * 100003 + i, min(CHUNK, n - i * CHUNK)) for i in range(math.ceil(n / CHUNK))]
    fn = _reader_chunk if kind == "reader" else _scene_chunk
    if procs > 1:
        with Pool(procs) as pool:
            parts = pool.map(fn, chunks)
    else:
        parts = [fn(c) for c in chunks]
    images = np.concatenate([p[0] for p in parts])
    texts = np.array([t for p in parts for t in p[1]])
    tmp = str(out) + ".tmp.npz"
    np.savez(tmp, images=images, texts=texts)
    os.replace(tmp, out)
    print(f"{kind} bank: {len(images)} -> {out}")


def bank_path(kind, n, seed):
    from synth_plates import SERIF_I
    extra = f"_serifI{SERIF_I:g}" if SERIF_I > 0 else ""  # a bank drawn otherwise is another file
    return WORK / f"synth_{kind}_{n}_{seed}{extra}.npz"


def ensure(kind, n, seed, procs):
    p = bank_path(kind, n, seed)
    if not p.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
        build(kind, n, seed, procs, p)
    return p


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["reader", "scene"])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    ensure(a.kind, a.n, a.seed, a.procs)
