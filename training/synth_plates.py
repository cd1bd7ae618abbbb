"""Synthetic US licence plates: the project's own renderer (PIL + numpy only, so it also runs
on a bare GPU box).

A plate is drawn at 2:1 with a state-like design (background colour or scenic gradient, state
name on top, slogan at the bottom, registration stickers, bolt holes), a registration in a
condensed bold font (1-8 characters, common state patterns and vanity strings, optional
stacked small prefix), optional dealer surround, then degraded: dirt, glare, blur, motion
blur, low resolution, JPEG, night-IR greyscale, perspective and rotation.
`render_crop` returns a tight reader crop; `render_plate` returns the plate with an alpha
mask for compositing into scenes.
"""
import io
import os
import math
import random
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

STATES = [
    "ALABAMA", "ALASKA", "ARIZONA", "Arkansas", "California", "COLORADO", "Connecticut",
    "DELAWARE", "FLORIDA", "GEORGIA", "Hawaii", "IDAHO", "ILLINOIS", "INDIANA", "IOWA",
    "KANSAS", "KENTUCKY", "Louisiana", "MAINE", "Maryland", "MASSACHUSETTS", "MICHIGAN",
    "Minnesota", "MISSISSIPPI", "MISSOURI", "MONTANA", "NEBRASKA", "NEVADA", "NEW HAMPSHIRE",
    "NEW JERSEY", "NEW MEXICO", "NEW YORK", "NORTH CAROLINA", "NORTH DAKOTA", "OHIO",
    "OKLAHOMA", "Oregon", "PENNSYLVANIA", "RHODE ISLAND", "SOUTH CAROLINA", "SOUTH DAKOTA",
    "TENNESSEE", "TEXAS", "UTAH", "VERMONT", "VIRGINIA", "WASHINGTON", "WEST VIRGINIA",
    "WISCONSIN", "WYOMING", "WASHINGTON, DC",
]
SLOGANS = [
    "THE LAST FRONTIER", "FAMOUS POTATOES", "LAND OF LINCOLN", "LIVE FREE OR DIE",
    "FIRST IN FLIGHT", "GARDEN STATE", "Sportsman's Paradise", "THE SILVER STATE",
    "America's Dairyland", "EMPIRE STATE", "GREEN MOUNTAINS", "GRAND CANYON STATE",
    "SUNSHINE STATE", "Great Faces. Great Places.", "ALOHA STATE", "dmv.ca.gov",
    "WILD AND WONDERFUL", "10,000 LAKES", "VIRGINIA IS FOR LOVERS", "OCEAN STATE",
    "Taxation Without Representation", "EXPLORE MINNESOTA", "PEACH STATE", "",
]
DEALERS = ["AUTO MALL", "HONDA OF TOWN", "FORD", "TOYOTA", "CHEVROLET", "MOTORS INC",
           "555-0100", "BEST CARS", "NISSAN", "SUBARU"]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
PATTERNS = ["LLLDDDD", "LLLDDD", "DLLLDDD", "DDDLLL", "LLDDDDD", "DDDDLL", "LLLLDDD",
            "DLLDDD", "DDDLDDD", "DDDDDD", "LLDDDD", "DDLLLD", "LDDLLL", "DDDDDDD",
            "LLLDDDL", "DDLDDDD", "LLDLDDD", "DLDLDD"]
BG_COLOURS = [(250, 250, 250), (240, 240, 235), (235, 240, 250), (252, 245, 210),
              (250, 225, 80), (225, 235, 245), (240, 240, 240), (210, 225, 240),
              (245, 235, 220), (30, 40, 90), (20, 20, 20), (190, 215, 190)]
INK = [(20, 30, 100), (10, 10, 10), (25, 25, 25), (150, 20, 20), (10, 90, 50),
       (90, 20, 40), (10, 40, 130), (40, 40, 40)]
ACCENT = [(200, 30, 30), (20, 50, 150), (10, 110, 60), (120, 60, 160), (230, 140, 20),
          (30, 30, 30), (50, 130, 200)]

W, H = 320, 160  # render size of a plate, before degradations
O_ZERO_SHARED = float(os.environ.get("CANVASS_O_ZERO_SHARED", "0"))
# California draws the letter I with wide slab serifs top and bottom (the registration's other
# letters have none); the main fonts here are sans faces, so a reader that never saw that I reads
# it as T (4 of the 80 US training photos read by eye, all California). The share of plates whose
# I is drawn so; 0 (off) by default, so the shipped models' banks (and the int8 reader's calibration
# crops) are drawn as they were.
SERIF_I = float(os.environ.get("CANVASS_SERIF_I") or 0)
# Optional shape prior: a JSON file {"DDDLLL": 48, ...} of real plate shapes (L letter, D digit),
# e.g. counted from the tuning labels by context_head.py. With it, 70% of the pattern draws
# follow the real shapes instead of the uniform PATTERNS list, so a reader learns which
# reading of an ambiguous glyph real plates make likely.
def _load_shapes():
    path = os.environ.get("CANVASS_SHAPES")
    if not path:
        return None
    import json
    counts = json.load(open(path))
    shapes = [s for s in counts if s and set(s) <= {"L", "D"}]
    return shapes, [float(counts[s]) for s in shapes]


SHAPES = _load_shapes()


class FontBank:
    """Loads the plate fonts once; bold condensed faces for the registration, any for text."""

    def __init__(self, dirs):
        files = []
        for d in dirs:
            p = Path(d)
            if p.is_dir():
                files += sorted(p.glob("*.ttf"))
        if not files:
            raise FileNotFoundError(f"no .ttf fonts in {dirs}")
        self.main = [f for f in files if ("Bold" in f.name or "Medium" in f.name)
                     and "Serif" not in f.name and "Oblique" not in f.name and "Italic" not in f.name
                     and "Math" not in f.name] or files
        self.any = [f for f in files if "Math" not in f.name and "ExtraLight" not in f.name]
        self._cache = {}

    def get(self, path, size):
        key = (str(path), size)
        if key not in self._cache:
            self._cache[key] = ImageFont.truetype(str(path), size)
        return self._cache[key]


def random_text(rng: random.Random) -> str:
    r = rng.random()
    if SHAPES and r < 0.7:
        pat = rng.choices(SHAPES[0], weights=SHAPES[1])[0]
        text = "".join(rng.choice(LETTERS) if c == "L" else rng.choice(DIGITS) for c in pat)
        if O_ZERO_SHARED > 0 and rng.random() < 0.5:  # make the shared O/0 glyph common enough to learn
            i = rng.randrange(len(text))
            text = text[:i] + ("O" if pat[i] == "L" else "0") + text[i + 1:]
        return text
    if r < 0.8:
        pat = rng.choice(PATTERNS)
        return "".join(rng.choice(LETTERS) if c == "L" else rng.choice(DIGITS) for c in pat)
    n = rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 6])
    pool = LETTERS + DIGITS if rng.random() < 0.6 else LETTERS
    return "".join(rng.choice(pool) for _ in range(n))


def serif_i(draw, text, font, origin):
    """Slab serifs on every letter I of `text` drawn at `origin` with `font` (California style): a
    bar across the glyph's top and bottom, up to 2.4 stems wide (within the glyph's own advance,
    so it never touches its neighbours) and a tenth of its height."""
    il, it, _, ib = font.getbbox("I")  # the glyph's box from the origin (its height)
    ml, _, mr, _ = font.getmask("I").getbbox()  # its ink, from the box's left
    stem, cap = mr - ml, ib - it
    half = min(1.2 * stem, font.getlength("I") / 2 - 1)
    for i, ch in enumerate(text):
        if ch != "I":
            continue
        x = origin[0] + font.getlength(text[:i]) + il + (ml + mr) / 2
        bar = max(2, round(cap * 0.1))
        for y in (origin[1] + it, origin[1] + ib - bar):
            draw.rectangle([x - half, y, x + half, y + bar], fill=255)


def _fit_text(draw_img, text, font, box, fill, rng, stretch_range=(0.75, 1.25), serifs=False):
    """Draw `text` stretched into `box` (x0, y0, x1, y1): plates use tall, narrow glyphs, so the
    rendered string is resized non-uniformly rather than drawn at a point size. `serifs`: the
    letter I with California's slab serifs (`serif_i`)."""
    x0, y0, x1, y1 = box
    l, t, r, b = font.getbbox(text)
    tw, th = max(1, r - l), max(1, b - t)
    tile = Image.new("L", (tw + 4, th + 4), 0)
    draw = ImageDraw.Draw(tile)
    draw.text((2 - l, 2 - t), text, font=font, fill=255)
    if serifs:
        serif_i(draw, text, font, (2 - l, 2 - t))
    bw, bh = x1 - x0, y1 - y0
    aspect = (tw / th) * rng.uniform(*stretch_range)
    w = min(bw, int(bh * aspect))
    h = bh
    if w < bw * 0.3 and len(text) > 3:
        w = int(bw * 0.3)
    tile = tile.resize((max(1, w), max(1, h)), Image.BILINEAR)
    ox = x0 + (bw - w) // 2
    ox = min(max(x0, ox + int(rng.uniform(-0.05, 0.05) * bw)), x1 - w)
    colour = Image.new("RGB", tile.size, fill)
    draw_img.paste(colour, (ox, y0), tile)
    return ox, ox + w


def _background(rng):
    img = Image.new("RGB", (W, H), rng.choice(BG_COLOURS))
    d = ImageDraw.Draw(img)
    style = rng.random()
    if style < 0.35:  # scenic: gradient sky and a few hills/shapes
        top = np.array(rng.choice(BG_COLOURS + ACCENT), np.float32)
        bot = np.array(rng.choice(BG_COLOURS), np.float32)
        a = np.linspace(0, 1, H, dtype=np.float32)[:, None, None]
        grad = (top * (1 - a) + bot * a) * np.ones((1, W, 1), np.float32)
        img = Image.fromarray(grad.clip(0, 255).astype(np.uint8))
        d = ImageDraw.Draw(img)
        for _ in range(rng.randint(1, 4)):
            c = tuple(int(v) for v in np.array(rng.choice(BG_COLOURS + ACCENT)) * rng.uniform(0.7, 1.0))
            x = rng.randint(-100, W)
            y = rng.randint(H // 2, H)
            d.ellipse([x, y - rng.randint(10, 60), x + rng.randint(60, 300), y + 80], fill=c)
    elif style < 0.5:  # coloured bands
        c = rng.choice(ACCENT)
        d.rectangle([0, 0, W, rng.randint(20, 40)], fill=c)
        if rng.random() < 0.5:
            d.rectangle([0, H - rng.randint(15, 35), W, H], fill=rng.choice(ACCENT))
    return img


def render_plate(rng: random.Random, fonts: FontBank):
    """Returns (RGB plate image W x H, text)."""
    text = random_text(rng)
    img = _background(rng)
    d = ImageDraw.Draw(img)
    dark_bg = np.mean(img.getpixel((W // 2, H // 2))) < 90
    ink = (240, 240, 240) if dark_bg else rng.choice(INK)
    # state name and slogan: these are what OpenALPR sometimes reads as the plate
    sfont = fonts.get(rng.choice(fonts.any), rng.randint(20, 34))
    state = rng.choice(STATES)
    sb = sfont.getbbox(state)
    sx = (W - (sb[2] - sb[0])) // 2 + rng.randint(-20, 20)
    d.text((sx, rng.randint(2, 10) - sb[1]), state, font=sfont, fill=rng.choice(ACCENT + INK))
    slogan = rng.choice(SLOGANS)
    if slogan:
        f2 = fonts.get(rng.choice(fonts.any), rng.randint(11, 18))
        b2 = f2.getbbox(slogan)
        d.text(((W - (b2[2] - b2[0])) // 2, H - rng.randint(18, 26) - b2[1]), slogan, font=f2,
               fill=rng.choice(ACCENT + INK))
    # registration stickers and bolt holes
    for _ in range(rng.randint(0, 2)):
        x = rng.choice([rng.randint(4, 30), rng.randint(W - 60, W - 30)])
        y = rng.choice([rng.randint(4, 20), rng.randint(H - 45, H - 30)])
        d.rectangle([x, y, x + rng.randint(22, 40), y + rng.randint(14, 24)],
                    fill=rng.choice(ACCENT + BG_COLOURS))
        d.text((x + 3, y + 2), str(rng.randint(0, 99)).zfill(2), fill=(0, 0, 0),
               font=fonts.get(fonts.any[0], 12))
    if rng.random() < 0.6:
        for bx in (rng.randint(55, 80), W - rng.randint(55, 80)):
            by = rng.randint(14, 26)
            d.ellipse([bx - 5, by - 5, bx + 5, by + 5], fill=(120, 120, 120))
    # the registration itself
    font = fonts.get(rng.choice(fonts.main), 96)
    top, bottom = rng.randint(34, 46), H - rng.randint(26, 40)
    x0, x1 = rng.randint(6, 30), W - rng.randint(6, 30)
    body = text
    if rng.random() < 0.12 and len(text) >= 4:  # stacked small prefix (e.g. Idaho county code)
        stack, body = text[:2], text[2:]
        sf = fonts.get(rng.choice(fonts.main), 40)
        mid = (top + bottom) // 2
        _fit_text(img, stack[0], sf, (x0, top, x0 + 22, mid - 2), ink, rng)
        _fit_text(img, stack[1], sf, (x0, mid + 2, x0 + 22, bottom), ink, rng)
        x0 += 30
    if rng.random() < 0.35 and len(body) >= 5:  # gap, dash or emblem between groups
        k = rng.randint(2, len(body) - 2)
        if SHAPES and rng.random() < 0.7:  # real plates put the gap between letters and digits
            cuts = [i for i in range(2, len(body) - 1) if body[i - 1].isdigit() != body[i].isdigit()]
            k = rng.choice(cuts) if cuts else k
        sep = rng.choice([" ", " ", "-", "\u00b7"])
        shown = body[:k] + sep + body[k:]
    else:
        shown = body
    if O_ZERO_SHARED > 0 and rng.random() < O_ZERO_SHARED:
        # many states draw O and 0 with one glyph: render the shared glyph and keep the true
        # label, so the reader must use the plate pattern. Off by default: GPU run 2 trained
        # with 0.35 read Brazilian letter O as 0 far more often (scenes-br), for no US gain.
        shown = shown.replace("O", "0") if rng.random() < 0.6 else shown.replace("0", "O")
    serifs = SERIF_I > 0 and "I" in shown and rng.random() < SERIF_I  # no draw otherwise: banks stay as they were
    _fit_text(img, shown, font, (x0, top, x1, bottom), ink, rng, serifs=serifs)
    return img, text


def _frame(img, rng, fonts):
    """Dealer surround or plain frame, drawn over the plate edges."""
    d = ImageDraw.Draw(img)
    c = rng.choice([(20, 20, 20), (180, 180, 185), (200, 170, 60), (90, 90, 90)])
    t_top, t_bot = rng.randint(0, 14), rng.randint(3, 26)
    side = rng.randint(2, 10)
    d.rectangle([0, 0, W, t_top], fill=c)
    d.rectangle([0, H - t_bot, W, H], fill=c)
    d.rectangle([0, 0, side, H], fill=c)
    d.rectangle([W - side, 0, W, H], fill=c)
    if t_bot > 14:
        f = fonts.get(rng.choice(fonts.any), t_bot - 6)
        d.text((W // 4, H - t_bot + 2), rng.choice(DEALERS), font=f,
               fill=(255, 255, 255) if c[0] < 100 else (0, 0, 0))


def _dirt_and_glare(arr, rng):
    h, w = arr.shape[:2]
    if rng.random() < 0.35:  # dirt: dark translucent blobs
        yy, xx = np.mgrid[0:h, 0:w]
        for _ in range(rng.randint(1, 6)):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(5, w / 4)
            m = np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r))
            arr *= (1 - rng.uniform(0.1, 0.35) * m)[..., None]
    if rng.random() < 0.25:  # glare: bright band
        yy, xx = np.mgrid[0:h, 0:w]
        ang = rng.uniform(0, math.pi)
        dist = (xx - rng.uniform(0, w)) * math.cos(ang) + (yy - rng.uniform(0, h)) * math.sin(ang)
        m = np.exp(-(dist ** 2) / (2 * rng.uniform(5, 40) ** 2))
        arr += (rng.uniform(60, 200) * m)[..., None]
    if rng.random() < 0.4:  # uneven lighting
        g = np.linspace(rng.uniform(0.5, 1.1), rng.uniform(0.5, 1.1), w, dtype=np.float32)
        arr *= g[None, :, None]
    return arr


def _degrade(img: Image.Image, rng: random.Random) -> Image.Image:
    arr = np.asarray(img).astype(np.float32)
    arr = _dirt_and_glare(arr, rng)
    if rng.random() < 0.15:  # night IR: greyscale, retroreflective bright background
        g = arr.mean(axis=2, keepdims=True)
        g = np.clip((g - g.mean()) * rng.uniform(1.2, 2.2) + rng.uniform(120, 200), 0, 255)
        arr = np.repeat(g, 3, axis=2)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if rng.random() < 0.3:
        img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 2.5)))
    if rng.random() < 0.2:  # motion blur, horizontal-ish
        k = rng.randint(3, 9)
        img = img.filter(ImageFilter.BoxBlur(1)).resize(
            (img.width // k * 2 + 1, img.height), Image.BILINEAR).resize(img.size, Image.BILINEAR)
    if rng.random() < 0.35:  # low resolution
        s = rng.uniform(0.12, 0.5)
        small = img.resize((max(8, int(img.width * s)), max(4, int(img.height * s))), Image.BILINEAR)
        img = small.resize(img.size, Image.BILINEAR)
    if rng.random() < 0.5:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=rng.randint(15, 85))
        img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    return img


def _perspective(img: Image.Image, rng: random.Random, margin: float, fill):
    """Random perspective + rotation, then a crop around the plate with a small random margin,
    imitating a detector crop (tight, sometimes cutting the frame, sometimes loose)."""
    w, h = img.size
    pad = int(0.25 * w)
    big = Image.new("RGB", (w + 2 * pad, h + 2 * pad), fill)
    big.paste(img, (pad, pad))
    j = lambda s: rng.uniform(-s, s)
    k = 0.06
    src = [(pad + j(k * w), pad + j(k * h)), (pad + w + j(k * w), pad + j(k * h)),
           (pad + w + j(k * w), pad + h + j(k * h)), (pad + j(k * w), pad + h + j(k * h))]
    ang = math.radians(rng.gauss(0, 3))
    cx, cy = pad + w / 2, pad + h / 2
    src = [(cx + (x - cx) * math.cos(ang) - (y - cy) * math.sin(ang),
            cy + (x - cx) * math.sin(ang) + (y - cy) * math.cos(ang)) for x, y in src]
    mx, my = margin * w, margin * h
    dst = [(0, 0), (w, 0), (w, h), (0, h)]
    dst = [(x + (mx if x == 0 else -mx) + j(0.04 * w), y + (my if y == 0 else -my) + j(0.06 * h))
           for x, y in dst]
    coeffs = _perspective_coeffs(dst, src)
    return big.transform((w, h), Image.PERSPECTIVE, coeffs, Image.BILINEAR)


def _perspective_coeffs(dst, src):
    # solve for the 8 coefficients mapping output (dst) points to input (src) points
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y]); b.append(v)
    return np.linalg.solve(np.array(a, np.float64), np.array(b, np.float64)).tolist()


def render_crop(rng: random.Random, fonts: FontBank, out_w: int, out_h: int):
    """A reader training sample: degraded plate crop (grey, out_h x out_w uint8) and its text."""
    img, text = render_plate(rng, fonts)
    if rng.random() < 0.4:
        _frame(img, rng, fonts)
    fill = tuple(rng.randint(0, 255) for _ in range(3))
    img = _perspective(img, rng, margin=rng.uniform(-0.015, 0.06), fill=fill)
    img = _degrade(img, rng)
    g = img.convert("L").resize((out_w, out_h), Image.BILINEAR)
    return np.asarray(g, np.uint8), text


def render_for_scene(rng: random.Random, fonts: FontBank):
    """A plate for compositing into a scene: degraded RGB plate (frame included)."""
    img, text = render_plate(rng, fonts)
    if rng.random() < 0.4:
        _frame(img, rng, fonts)
    return _degrade(img, rng), text


if __name__ == "__main__":  # quick visual check: python3 synth_plates.py out.png
    import sys
    from common import FONT_DIRS
    fb = FontBank(FONT_DIRS)
    r = random.Random(0)
    tiles = [render_crop(r, fb, 160, 48)[0] for _ in range(40)]
    grid = np.vstack([np.hstack(tiles[i:i + 5]) for i in range(0, 40, 5)])
    Image.fromarray(grid).save(sys.argv[1] if len(sys.argv) > 1 else "/tmp/synth.png")
