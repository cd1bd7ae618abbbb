"""Real photos with plate text: openimages-plates/valid in the scene layout, for end-to-end
evaluation (`canvass eval --scenes`).

openimages-plates has boxes but no text. `labels/openimages-valid-text.csv` holds a reading by
eye of every validation box at least 40 px wide (314 of 405; written in session 7, blind to any
model's reading): the plate text in the reader's charset, empty where a person cannot read it
(blur, redaction, cut off, non-Latin script), and a region (US, CA, NA = North American of
unknown state or province, UK, EU, AU, CN, other, novelty = a dealer or show plate). Since
session 9 the plates of the `us` folder also have a `state` (two letters where the state's name
or slogan can be read on the photo, else empty), scored by `state_photos.ts`.

This script writes two folders of symlinked photos + `file x y w h plate` lines:
  work/openimages-valid-text/legible/  every image whose boxes (all widths) were all read
  work/openimages-valid-text/us/       those of them with a US plate (all their plates are US)
Never trained on: openimages-plates/valid is a validation set.
"""
import argparse
import csv
import json
import os
from collections import defaultdict
from pathlib import Path

from common import DATA, WORK

LABELS = Path(__file__).resolve().parent / "labels" / "openimages-valid-text.csv"
# Session 10: every training box at least 40 px wide (571 of 895) read the same way, blind to any
# model's reading, from `sheets.py` contact sheets. Training images: for fitting reading settings
# and for fine-tuning (prepare.py photos_2x.npz), never for reporting.
TRAIN_LABELS = LABELS.with_name("openimages-train-text.csv")


def build(out: Path, split: str = "valid") -> dict:
    labels = {"valid": LABELS, "train": TRAIN_LABELS}[split]
    src = (DATA / "openimages-plates" / split).resolve()
    coco = json.load(open(src / "_annotations.coco.json"))
    files = {i["id"]: i["file_name"] for i in coco["images"]}
    rows = {int(r["annotation_id"]): r for r in csv.DictReader(open(labels))}
    boxes = defaultdict(list)
    for a in coco["annotations"]:
        r = rows.get(a["id"])
        if r is not None and r["file"] != files[a["image_id"]]:
            raise SystemExit(f"{labels.name}: annotation {a['id']} names {r['file']}, the COCO file "
                             f"says {files[a['image_id']]}")
        boxes[a["image_id"]].append((a["bbox"], r))
    counts = {}
    for name, keep in (("legible", lambda r: True), ("us", lambda r: r["region"] == "US")):
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            if old.is_symlink() or old.is_file():
                old.unlink()
        n_img = n_plates = 0
        for image_id, items in sorted(boxes.items()):
            if not all(r is not None and r["plate"] and keep(r) for _, r in items):
                continue
            f = files[image_id]
            os.symlink(src / f, d / f)
            with open(d / (Path(f).stem + ".txt"), "w") as t:
                for (x, y, w, h), r in items:
                    t.write(f"{f}\t{round(x)}\t{round(y)}\t{max(1, round(w))}\t{max(1, round(h))}\t{r['plate']}\n")
            n_img += 1
            n_plates += len(items)
        counts[name] = {"images": n_img, "plates": n_plates}
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["valid", "train"], default="valid")
    ap.add_argument("--out", help="default work/openimages-<split>-text")
    a = ap.parse_args()
    print(json.dumps(build(Path(a.out or WORK / f"openimages-{a.split}-text"), a.split)))


if __name__ == "__main__":
    main()
