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


def compare(base_dir: Path, cand_dir: Path) -> tuple[list[str], list[str]]:
    lines, failures = [], []
    load = {}
    for name in US_SETS + EXACT_SETS + RECALL_SETS:
        pair = []
        for d in (base_dir, cand_dir):
            f = d / f"{name}.json"
            if not f.exists():
                failures.append(f"{name}: no report in {d}")
                break
            pair.append(json.load(open(f)))
        if len(pair) == 2:
            load[name] = pair
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
        if loss - gain > US_SET_SLACK:
            failures.append(f"{name}: {loss - gain} plates lost net (at most {US_SET_SLACK})")
    lines.append(f"{'US plates, paired net':32s} {net_total:+d}")
    if all(n in load for n in US_SETS) and net_total <= 0:
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
    for name, (b, c) in load.items():
        if b.get("detection_precision") is not None and c.get("detection_precision") is not None:
            drop = 100 * (b["detection_precision"] - c["detection_precision"])
            if drop > PRECISION_POINTS:
                failures.append(f"{name}: verified precision {drop:.1f} points lower (at most {PRECISION_POINTS})")
    return lines, failures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("base", type=Path, help="the shipped models' eval folder")
    ap.add_argument("cand", type=Path, help="the candidate's eval folder")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    a = ap.parse_args()
    lines, failures = compare(a.base, a.cand)
    if a.json:
        print(json.dumps({"passes": not failures, "failures": failures, "lines": lines}))
    else:
        print("\n".join(lines))
        print("PASSES the pooled US rule" if not failures else "FAILS:\n  " + "\n  ".join(failures))
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
