"""Contact sheets of openimages-plates boxes, for reading plates by eye.

`labels/openimages-valid-text.csv` (session 7) and `labels/openimages-train-text.csv` (session 10)
were written by a person reading these sheets, blind to any model's reading. Each cell shows one
labelled box (annotation id above it) with a quarter of its size around it, so that the state's
name and the frame can be seen, enlarged to fit the cell; a thin red line sits two pixels outside
the box. Boxes narrower than --min-width px (default 40) are left out: below that nobody reads a
plate reliably.

  /usr/bin/python3 training/sheets.py --split train --out work/sheets/train   # -> sheet-000.png ...
"""
import argparse
import json
from pathlib import Path

from PIL import Image, ImageDraw

from common import DATA

CELL_W, CELL_H, HEAD = 420, 190, 22


def boxes(split: str, min_width: float):
    coco = json.load(open(DATA / "openimages-plates" / split / "_annotations.coco.json"))
    files = {i["id"]: i["file_name"] for i in coco["images"]}
    out = [(a["id"], files[a["image_id"]], a["bbox"]) for a in coco["annotations"] if a["bbox"][2] >= min_width]
    return sorted(out, key=lambda t: t[0])


def cell(src: Path, bbox) -> Image.Image:
    x, y, w, h = bbox
    img = Image.open(src).convert("RGB")
    mx, my = w * 0.25, h * 0.25
    l, t = max(0, int(x - mx)), max(0, int(y - my))
    r, b = min(img.width, int(x + w + mx + 1)), min(img.height, int(y + h + my + 1))
    crop = img.crop((l, t, r, b))
    d = ImageDraw.Draw(crop)
    d.rectangle((x - l - 2, y - t - 2, x - l + w + 1, y - t + h + 1), outline=(255, 0, 0), width=1)
    s = min(CELL_W / crop.width, (CELL_H - HEAD) / crop.height)
    return crop.resize((max(1, int(crop.width * s)), max(1, int(crop.height * s))), Image.LANCZOS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["train", "valid"], required=True)
    ap.add_argument("--out", type=Path, required=True, help="folder for sheet-NNN.png and index.csv")
    ap.add_argument("--min-width", type=float, default=40)
    ap.add_argument("--cols", type=int, default=3)
    ap.add_argument("--rows", type=int, default=4)
    ap.add_argument("--limit", type=int, default=0, help="only the first n boxes (by annotation id)")
    a = ap.parse_args()
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    src = DATA / "openimages-plates" / a.split
    todo = boxes(a.split, a.min_width)
    if a.limit:
        todo = todo[:a.limit]
    per = a.cols * a.rows
    with open(out / "index.csv", "w") as idx:
        idx.write("sheet,annotation_id,file,x,y,w,h\n")
        for n in range(0, len(todo), per):
            sheet = Image.new("RGB", (a.cols * CELL_W, a.rows * (CELL_H + 8)), (255, 255, 255))
            d = ImageDraw.Draw(sheet)
            for k, (ann, file, bbox) in enumerate(todo[n:n + per]):
                cx, cy = (k % a.cols) * CELL_W, (k // a.cols) * (CELL_H + 8)
                d.text((cx + 4, cy + 4), f"#{ann}", fill=(0, 0, 160))
                sheet.paste(cell(src / file, bbox), (cx, cy + HEAD))
                idx.write(f"{n // per},{ann},{file},{','.join(str(round(v)) for v in bbox)}\n")
            sheet.save(out / f"sheet-{n // per:03d}.png")
    print(f"{len(todo)} boxes on {(len(todo) + per - 1) // per} sheets in {out}")


if __name__ == "__main__":
    main()
