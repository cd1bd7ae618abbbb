"""Stage `prepare`: turns /work/shared/data into a self-contained training pack under
training/work/pack (ignored by git, small enough to carry to a GPU box).

Pack contents:
  fonts/             the plate fonts (copied from Debian font packages)
  reader_real.npz    grey 48x160 crops + texts: us-plate-crops tuning half and br-plate-crops
  us_tune_2x.npz     grey 96x320 copies of the same US tuning crops (fine-tuning cuts its own
                     jittered crops from them), so `finetune-reader` runs on a bare GPU box too
  det_train/         openimages-plates train, longest side 640, JPEG, with boxes.json
  pseudo_real.npz    grey 48x160 crops of openimages-plates train boxes that two independent
                     readers read alike (`pseudo_label.ts`), when that stage has run
  photos_2x.npz      grey 96x320 crops (the box and the engine's 4% margin) of every
                     openimages-plates train box that a person read (labels/openimages-train-text.csv)
  manifest.json      what went in, with the split rule, so the model card can cite it
Validation sets (us held-out half, openimages valid, dashcam-ro, scenes) are never packed:
they are read in place by the TypeScript evaluation.
"""
import csv
import json
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from common import CHARSET, DATA, PACK, READER_H, READER_W, WORK, clean_text, us_split

FONTS = [
    "dejavu/DejaVuSansCondensed-Bold.ttf", "dejavu/DejaVuSans-Bold.ttf",
    "dejavu/DejaVuSansMono-Bold.ttf", "dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerif-Bold.ttf",
    "liberation/LiberationSans-Bold.ttf", "liberation/LiberationSansNarrow-Bold.ttf",
    "liberation/LiberationMono-Bold.ttf", "liberation/LiberationSans-Regular.ttf",
    "liberation/LiberationSerif-Bold.ttf",
    "freefont/FreeSansBold.ttf", "freefont/FreeSans.ttf",
    "roboto/unhinted/RobotoCondensed-Bold.ttf", "roboto/unhinted/RobotoCondensed-Medium.ttf",
    "roboto/unhinted/RobotoCondensed-Regular.ttf",
]
DET_MAX_SIDE = 640


def grey_crop(path, scale=1):
    return np.asarray(Image.open(path).convert("L").resize((READER_W * scale, READER_H * scale),
                                                           Image.BILINEAR), np.uint8)


def prepare_fonts(manifest):
    out = PACK / "fonts"
    out.mkdir(parents=True, exist_ok=True)
    used = []
    for rel in FONTS:
        src = "/usr/share/fonts/truetype/" + rel
        try:
            shutil.copy(src, out)
            used.append(rel)
        except FileNotFoundError:
            print("font missing (install its Debian package):", src)
    manifest["fonts"] = used


def prepare_reader(manifest):
    us_dir = DATA / "us-plate-crops"
    rows = list(csv.DictReader(open(us_dir / "labels.csv")))
    by_file = {r["file"]: r for r in rows}
    tune, held = us_split(by_file.keys())
    imgs, texts, source, states, names = [], [], [], [], []
    big = []
    for f in tune:
        t = clean_text(by_file[f]["plate"])
        if not t:
            continue
        imgs.append(grey_crop(us_dir / "images" / f)); texts.append(t)
        source.append("us"); states.append(by_file[f]["state"]); names.append(f)
        big.append(grey_crop(us_dir / "images" / f, 2))
    np.savez_compressed(PACK / "us_tune_2x.npz", images=np.stack(big), texts=np.array(texts),
                        files=np.array(names))
    br_dir = DATA / "br-plate-crops"
    br_rows = list(csv.DictReader(open(br_dir / "labels.csv")))
    for r in br_rows:
        t = clean_text(r["text"])
        if not t:
            continue
        imgs.append(grey_crop(br_dir / r["file"])); texts.append(t)
        source.append("br"); states.append(""); names.append(r["file"])
    np.savez_compressed(PACK / "reader_real.npz", images=np.stack(imgs), texts=np.array(texts),
                        source=np.array(source), states=np.array(states), files=np.array(names))
    manifest["reader_real"] = {
        "us_tune": len(tune), "us_held_out": len(held), "br": len(br_rows),
        "us_split_rule": "sorted file names; even positions tune, odd positions held out",
        "us_held_out_files_sha": __import__("hashlib").sha256("\n".join(held).encode()).hexdigest(),
    }


def prepare_pseudo(manifest):
    """Agreed pseudo-labels from `pseudo_label.ts` (training/work/pseudo), if it has run."""
    src = WORK / "pseudo"
    if not (src / "labels.csv").exists():
        return
    rows = [r for r in csv.DictReader(open(src / "labels.csv")) if r["agree"] == "1"]
    imgs = [grey_crop(src / "crops" / r["file"]) for r in rows]
    np.savez_compressed(PACK / "pseudo_real.npz", images=np.stack(imgs),
                        texts=np.array([r["plate"] for r in rows]), files=np.array([r["file"] for r in rows]))
    manifest["pseudo_real"] = {"crops": len(rows), **json.load(open(src / "summary.json"))}


def prepare_detector(manifest):
    src = DATA / "openimages-plates" / "train"
    coco = json.load(open(src / "_annotations.coco.json"))
    out = PACK / "det_train"
    out.mkdir(parents=True, exist_ok=True)
    boxes = {im["id"]: [] for im in coco["images"]}
    for a in coco["annotations"]:
        boxes[a["image_id"]].append(a["bbox"])
    index = []
    for im in coco["images"]:
        img = Image.open(src / im["file_name"]).convert("RGB")
        s = min(1.0, DET_MAX_SIDE / max(img.size))
        if s < 1:
            img = img.resize((round(img.width * s), round(img.height * s)), Image.BILINEAR)
        name = f"{im['id']:05d}.jpg"
        img.save(out / name, "JPEG", quality=85)
        index.append({"file": name, "boxes": [[v * s for v in b] for b in boxes[im["id"]]]})
    json.dump(index, open(out / "boxes.json", "w"))
    manifest["det_train"] = {"images": len(index), "boxes": sum(len(i["boxes"]) for i in index),
                             "source": "openimages-plates/train", "max_side": DET_MAX_SIDE}


PHOTO_LABELS = Path(__file__).resolve().parent / "labels" / "openimages-train-text.csv"
PHOTO_MARGIN = 0.04  # the engine's crop margin (native/recognition/index.ts)


def prepare_photos(manifest):
    """Training photos read by eye (session 10): each box with a text, cut as the engine cuts a
    detected box (4% margin), grey at 2x the reader's size so fine-tuning can jitter it."""
    if not PHOTO_LABELS.exists():
        return
    src = DATA / "openimages-plates" / "train"
    rows = [r for r in csv.DictReader(open(PHOTO_LABELS)) if clean_text(r["plate"])]
    imgs, texts, ids, regions = [], [], [], []
    for r in rows:
        x, y, w, h = (float(r[k]) for k in ("x", "y", "w", "h"))
        with Image.open(src / r["file"]) as im:
            crop = im.convert("L").crop((round(x - w * PHOTO_MARGIN), round(y - h * PHOTO_MARGIN),
                                         round(x + w * (1 + PHOTO_MARGIN)), round(y + h * (1 + PHOTO_MARGIN))))
        imgs.append(np.asarray(crop.resize((READER_W * 2, READER_H * 2), Image.BILINEAR), np.uint8))
        texts.append(clean_text(r["plate"])); ids.append(int(r["annotation_id"])); regions.append(r["region"])
    np.savez_compressed(PACK / "photos_2x.npz", images=np.stack(imgs), texts=np.array(texts),
                        ids=np.array(ids), regions=np.array(regions))
    manifest["photos"] = {"crops": len(rows), "labels": PHOTO_LABELS.name, "margin": PHOTO_MARGIN,
                          "source": "openimages-plates/train, read by eye"}


def main():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--reader-only", action="store_true", help="refresh the reader files of the pack only")
    a = ap.parse_args()
    PACK.mkdir(parents=True, exist_ok=True)
    manifest = {"charset": CHARSET}
    if a.reader_only and (PACK / "manifest.json").exists():
        manifest = json.load(open(PACK / "manifest.json"))
    else:
        prepare_fonts(manifest)
    prepare_reader(manifest)
    prepare_pseudo(manifest)
    prepare_photos(manifest)
    if not a.reader_only:
        prepare_detector(manifest)
    json.dump(manifest, open(PACK / "manifest.json", "w"), indent=2)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
