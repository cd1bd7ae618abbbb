"""Release check of a candidate against the shipped models: two folders of `pipeline.py eval`
reports (one JSON per validation set, named as pipeline.EVAL_SETS) side by side, and the verdict
of the pooled US rule proposed in training/README.md "Session 10".

  CANVASS_MODELS=work/cand-x /usr/bin/python3 pipeline.py eval --eval-out work/cand-x/eval
  /usr/bin/python3 compare_eval.py work/eval work/cand-x/eval            # table + verdict, exit 0/1

The rule (O and 0 count as one character, since the labels mix them):
- US plates decide together: over every plate of the US sets (the held-out half of us-plate-crops
  and the hand-read US photos), the plates the candidate reads right and the shipped models do not,
  minus the reverse, must be positive; and no US set may lose more than US_SET_SLACK plates net.
- Other countries' photos (scenes-eu, scenes-br exact; openimages-valid, dashcam-ro verified
  recall) may not fall by more than OTHER_FLOOR of their plates.
- No verified precision may fall by more than PRECISION_POINTS points.
A set missing from either folder fails the check (a release check runs them all).

`--rule detector` is the release rule of a new detector (training/README.md "Session 14", used since;
the reader is the shipped one, so reading changes come from the boxes):
- openimages-valid plates under 40 px found by the detector alone up by at least SMALL_GAIN;
- no set's verified recall or detector-alone recall down by more than PLATE_SLACK plates;
- no scene set's exact top-1 (scenes-eu, scenes-br, the hand-read US and legible photos) down by more
  than PLATE_SLACK;
- no verified precision down by more than PRECISION_POINTS points;
- the US plates' paired net (as above, O and 0 as one) not negative.

`--rule detector-fit` is its precondition on the training photos (`pipeline.py eval --fit`), read
before any validation set ("Session 17"): openimages-plates/train plates under 40 px found by the
detector alone up by at least FIT_SMALL_GAIN, its verified precision down by at most
PRECISION_POINTS; the 80 US training photos' verified recall and exact top-1 with O and 0 alike
not lower than the shipped detector's.
"""
import argparse
import json
import sys
from pathlib import Path

US_SETS = ["us-plate-crops-held-out", "openimages-valid-text-us"]
EXACT_SETS = ["scenes-eu", "scenes-br", "openimages-valid-text-legible"]
RECALL_SETS = ["openimages-valid", "dashcam-ro"]
US_SET_SLACK = 2
OTHER_FLOOR = 0.10
PRECISION_POINTS = 3.0
# the detector rules
SMALL_GAIN = 5
FIT_SMALL_GAIN = 10
PLATE_SLACK = 2
SMALL_BINS = ("<20", "20-40")
SCENE_SETS = ["openimages-valid", "dashcam-ro", "scenes-eu", "scenes-br",
              "openimages-valid-text-us", "openimages-valid-text-legible"]
TEXT_SCENE_SETS = ["scenes-eu", "scenes-br", "openimages-valid-text-us", "openimages-valid-text-legible"]
FIT_SETS = ["openimages-train", "openimages-train-text-us"]


def fold(t: str) -> str:
    return t.replace("O", "0")


def wrong(report: dict) -> set:
    """(file, truth) of every plate read wrong, O and 0 as one (a missed plate is a misread). The
    report must list every misread (reports before session 10 kept the first 50 only)."""
    listed = report.get("misreads", [])
    exact = count(report, "exact_top1")
    if len(listed) != report["plates"] - exact:
        raise SystemExit(f"{report.get('set')}: {len(listed)} misreads listed for {report['plates'] - exact} plates "
                         "not read exactly: rerun its eval (older reports list the first 50 only)")
    return {(m["file"], m["truth"]) for m in listed if fold(m["truth"]) != fold(m["read"])}


def count(report: dict, key: str) -> int:
    v = report.get(key)
    return round(v * report["plates"]) if v is not None else 0


def need(report: dict, key: str, name: str):
    """report[key], or a stop that names the set and the key (a rule clause must not pass on a
    value the report does not have)."""
    v = report.get(key)
    if v is None:
        raise SystemExit(f"{name}: no {key} in its report (rerun its eval with this engine)")
    return v


def counted(report: dict, key: str, name: str) -> int:
    """Plates behind a rate the report must have (`need`)."""
    return round(need(report, key, name) * report["plates"])


def small_found(report: dict, name: str) -> int:
    """Plates under 40 px wide that the detector alone found (`recall_by_width`; the eval leaves out
    a width bin without plates, which then counts 0)."""
    bins = need(report, "recall_by_width", name)
    return sum(round(bins[b]["detector_recall"] * bins[b]["plates"]) for b in SMALL_BINS if b in bins)


def small_plates(report: dict) -> int:
    return sum(report["recall_by_width"][b]["plates"] for b in SMALL_BINS if b in report["recall_by_width"])


def detector_alone(report: dict, name: str) -> int:
    return round(need(report, "detector_only", name)["recall"] * report["plates"])


def pct(v) -> str:
    return "n/a" if v is None else f"{100 * v:.1f}%"


def load_pairs(base_dir: Path, cand_dir: Path, names: list[str], failures: list[str]) -> dict:
    """name -> (base report, candidate report); a report missing on either side is a failure."""
    load = {}
    for name in names:
        pair = []
        for d in (base_dir, cand_dir):
            f = d / f"{name}.json"
            if not f.exists():
                failures.append(f"{name}: no report in {d}")
                break
            pair.append(json.load(open(f)))
        if len(pair) == 2:
            load[name] = pair
    return load


def us_paired(load: dict, lines: list[str], failures: list[str], slack: bool = True) -> int | None:
    """Per US set: plates right with O and 0 as one, gained and lost; returns the pooled net (None
    when a US set is missing). With `slack`, a set that loses more than US_SET_SLACK net is a failure."""
    net_total = 0
    for name in US_SETS:
        if name not in load:
            continue
        b, c = load[name]
        wb, wc = wrong(b), wrong(c)
        gain, loss = len(wb - wc), len(wc - wb)
        net_total += gain - loss
        lines.append(f"{name:32s} plates {b['plates']:4d}  right (O=0) {b['plates'] - len(wb):4d} -> {c['plates'] - len(wc):4d}"
                     f"  gained {gain}, lost {loss}")
        if slack and loss - gain > US_SET_SLACK:
            failures.append(f"{name}: {loss - gain} plates lost net (at most {US_SET_SLACK})")
    lines.append(f"{'US plates, paired net':32s} {net_total:+d}")
    return net_total if all(n in load for n in US_SETS) else None


def precision_drops(load: dict, failures: list[str]) -> None:
    """Verified precision, on every set that has one, down by at most PRECISION_POINTS."""
    for name, (b, c) in load.items():
        if b.get("detection_precision") is not None and c.get("detection_precision") is not None:
            drop = round(100 * (b["detection_precision"] - c["detection_precision"]), 6)  # 3.0000000000000027 is 3
            if drop > PRECISION_POINTS:
                failures.append(f"{name}: verified precision {drop:.1f} points lower (at most {PRECISION_POINTS})")


def compare_detector(base_dir: Path, cand_dir: Path) -> tuple[list[str], list[str]]:
    """The release rule of a new detector (module docstring)."""
    lines, failures = [], []
    load = load_pairs(base_dir, cand_dir, US_SETS + [n for n in SCENE_SETS if n not in US_SETS], failures)
    net = us_paired(load, lines, failures, slack=False)
    if net is not None and net < 0:
        failures.append(f"US plates: net {net:+d} (must not be negative)")
    for name in SCENE_SETS:
        if name not in load:
            continue
        b, c = load[name]
        counts = {"verified": (counted(b, "detection_recall", name), counted(c, "detection_recall", name)),
                  "detector alone": (detector_alone(b, name), detector_alone(c, name))}
        if name in TEXT_SCENE_SETS:
            counts["exact top-1"] = (counted(b, "exact_top1", name), counted(c, "exact_top1", name))
        line = f"{name:32s} plates {b['plates']:4d}  " + "  ".join(f"{k} {nb} -> {nc}" for k, (nb, nc) in counts.items())
        line += f"  verified precision {pct(b.get('detection_precision'))} -> {pct(c.get('detection_precision'))}"
        for k, (nb, nc) in counts.items():
            if nb - nc > PLATE_SLACK:
                failures.append(f"{name}: {k} {nb} -> {nc} (at most {PLATE_SLACK} fewer)")
        if name == "openimages-valid":
            sb, sc = small_found(b, name), small_found(c, name)
            line += f"  under 40 px, detector alone {sb} -> {sc} of {small_plates(b)}"
            if sc - sb < SMALL_GAIN:
                failures.append(f"{name}: plates under 40 px found by the detector alone {sb} -> {sc} "
                                f"(at least +{SMALL_GAIN} needed)")
        lines.append(line)
    precision_drops(load, failures)
    return lines, failures


def compare_detector_fit(base_dir: Path, cand_dir: Path) -> tuple[list[str], list[str]]:
    """The precondition of a new detector on the training photos (module docstring)."""
    lines, failures = [], []
    load = load_pairs(base_dir, cand_dir, FIT_SETS, failures)
    if "openimages-train" in load:
        b, c = load["openimages-train"]
        name = "openimages-train"
        sb, sc = small_found(b, name), small_found(c, name)
        lines.append(f"{name:32s} plates {b['plates']:4d}  under 40 px, detector alone {sb} -> {sc}"
                     f"  verified {counted(b, 'detection_recall', name)} -> {counted(c, 'detection_recall', name)}"
                     f"  verified precision {pct(b.get('detection_precision'))} -> {pct(c.get('detection_precision'))}")
        if sc - sb < FIT_SMALL_GAIN:
            failures.append(f"openimages-train: plates under 40 px found by the detector alone {sb} -> {sc} "
                            f"(at least +{FIT_SMALL_GAIN} needed)")
        precision_drops({"openimages-train": (b, c)}, failures)
    if "openimages-train-text-us" in load:
        b, c = load["openimages-train-text-us"]
        name = "openimages-train-text-us"
        vb, vc = counted(b, "detection_recall", name), counted(c, "detection_recall", name)
        eb, ec = counted(b, "exact_top1_o_is_0", name), counted(c, "exact_top1_o_is_0", name)
        lines.append(f"{name:32s} plates {b['plates']:4d}  verified {vb} -> {vc}"
                     f"  exact (O=0) {eb} -> {ec}  detector alone {detector_alone(b, name)} -> {detector_alone(c, name)}")
        if vc < vb:
            failures.append(f"openimages-train-text-us: verified {vb} -> {vc} (may not fall)")
        if ec < eb:
            failures.append(f"openimages-train-text-us: exact top-1 with O and 0 alike {eb} -> {ec} (may not fall)")
    return lines, failures


def compare(base_dir: Path, cand_dir: Path) -> tuple[list[str], list[str]]:
    lines, failures = [], []
    load = load_pairs(base_dir, cand_dir, US_SETS + EXACT_SETS + RECALL_SETS, failures)
    net_total = us_paired(load, lines, failures)
    if net_total is not None and net_total <= 0:
        failures.append(f"US plates: net {net_total:+d} (must be positive)")
    for name in EXACT_SETS + RECALL_SETS:
        if name not in load:
            continue
        b, c = load[name]
        key = "exact_top1" if name in EXACT_SETS else "detection_recall"
        nb, nc = count(b, key), count(c, key)
        line = f"{name:32s} plates {b['plates']:4d}  {key} {nb:4d} -> {nc:4d}"
        if b.get("detection_precision") is not None and c.get("detection_precision") is not None:
            line += f"  verified precision {100 * b['detection_precision']:.1f}% -> {100 * c['detection_precision']:.1f}%"
        lines.append(line)
        if nb - nc > OTHER_FLOOR * b["plates"]:
            failures.append(f"{name}: {key} {nb - nc} plates lower (at most {OTHER_FLOOR:.0%} of {b['plates']})")
    # verified precision, on every scene set (the US photos included)
    precision_drops(load, failures)
    return lines, failures


RULES = {"pooled-us": (compare, "the pooled US rule"), "detector": (compare_detector, "the detector's release rule"),
         "detector-fit": (compare_detector_fit, "the detector's precondition")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base", type=Path, help="the shipped models' eval folder")
    ap.add_argument("cand", type=Path, help="the candidate's eval folder")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    ap.add_argument("--rule", choices=sorted(RULES), default="pooled-us",
                    help="pooled-us (a reader or reading setting), detector (a detector's release check) or "
                    "detector-fit (its precondition on `pipeline.py eval --fit` reports)")
    a = ap.parse_args()
    fn, title = RULES[a.rule]
    lines, failures = fn(a.base, a.cand)
    if a.json:
        print(json.dumps({"rule": a.rule, "passes": not failures, "failures": failures, "lines": lines}))
    else:
        print("\n".join(lines))
        print(f"PASSES {title}" if not failures else "FAILS:\n  " + "\n  ".join(failures))
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
