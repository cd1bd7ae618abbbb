#!/usr/bin/env bash
# Small-plate detector run on a borrowed GPU box (or any machine with python3, torch, numpy and
# PIL) and the pack from `pipeline.py prepare` (carried as training/work/pack: det_train/,
# fonts/, manifest.json). Detectors from scratch at the same time, the same minutes each
# (RUN picks them; both by default):
#   det-control  the shipped recipe (synthetic plates 12-220 px at the 512-px training scale,
#                real scenes rescaled 0.35-1.6, heights floored at 4 px)
#   det-small    plates down to MIN_WIDTH px keeping their aspect (height floor 2 px), real
#                scenes down to MIN_SCALE
#   det-kd       a fine-tune of INIT (the shipped detector rebuilt by onnx_to_ckpt.py) with
#                det-small's plates and scales, its box outputs distilled toward INIT wherever
#                INIT sees a plate (train_detector.py --distill; training/README.md "Session 14")
#   det-kd-wide  det-kd, with synthetic plates up to 480 px wide (close-ups; "Session 16")
#   det-kd-heat  det-kd, with the heatmap held too where INIT sees a plate (--distill-heat;
#                "Session 17": det-kd's plates were read worse though its boxes stayed put)
#   det-kd-whole det-kd distilled 5x harder, heatmap too, and on 4 whole training photos a step at
#                the engine's 640 px input as well (--whole; "Session 17": close-up boxes moved)
# The control tells a recipe effect from a run-to-run one (the shipped detector had 2,830
# steps on an H100 with three trainings sharing it). All are exported to ONNX on the box.
# Choice and release check happen afterwards (training/README.md, "Session 6").
set -u
cd "$(dirname "$0")"
OUT=${OUT:-$PWD/work/gpu-out}
MIN=${MIN:-4.5}              # training minutes per detector (they train at the same time)
TILES=${TILES:-8000}
MIN_WIDTH=${MIN_WIDTH:-4}
MIN_SCALE=${MIN_SCALE:-0.2}
PROCS=${PROCS:-$(nproc)}
PY=${PY:-python3}
RUN=${RUN:-"control small"}  # which to train (control small kd kd-wide kd-heat kd-whole; one alone gets every data worker)
INIT=${INIT:-work/checkpoints/detector.pt}
LOGS=${LOGS:-/tmp/canvass-gpu-logs}
# check RUN before any work: a bad name found later would leave the other training running
seen=" "
for v in $RUN; do
  case $v in control|small|kd|kd-wide|kd-heat|kd-whole) ;; *) echo "RUN: unknown detector variant \"$v\" (control, small, kd, kd-wide, kd-heat, kd-whole)" >&2; exit 2 ;; esac
  case $seen in *" $v "*) echo "RUN: \"$v\" named twice" >&2; exit 2 ;; esac
  seen="$seen$v "
done
[ "$seen" != " " ] || { echo "RUN: name at least one of control, small, kd, kd-wide, kd-heat, kd-whole" >&2; exit 2; }
case $RUN in *kd*) [ -f "$INIT" ] || { echo "INIT: $INIT not found (python3 onnx_to_ckpt.py rebuilds it)" >&2; exit 2; } ;; esac
mkdir -p "$OUT/ckpt" "$LOGS"
export CANVASS_CKPT="$OUT/ckpt" PYTHONUNBUFFERED=1
{ $PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
  nvidia-smi -L 2>/dev/null; echo "MIN=$MIN TILES=$TILES MIN_WIDTH=$MIN_WIDTH MIN_SCALE=$MIN_SCALE"; } 2>&1 | tee "$LOGS/env.txt"
t0=$(date +%s)
$PY synth_bank.py scene --n "$TILES" --seed 11 --procs "$PROCS" > "$LOGS/synth_scene.log" 2>&1
echo "synth bank: $(( $(date +%s) - t0 ))s" | tee -a "$LOGS/env.txt"
set -- $RUN
W=$(( PROCS > 8 ? (PROCS - 4) / $# : 1 ))
# the distilled fine-tunes share det-small's plates and scales, from INIT at a fine-tune's rate
kd=(--init "$INIT" --lr 1e-3 --min-width "$MIN_WIDTH" --min-scale "$MIN_SCALE" --min-height 2)
for v in $RUN; do
  case $v in
    control) extra=() ;;
    small) extra=(--min-width "$MIN_WIDTH" --min-scale "$MIN_SCALE" --min-height 2) ;;
    kd) extra=("${kd[@]}" --distill 1.0) ;;
    kd-wide) extra=("${kd[@]}" --distill 1.0 --max-width 480) ;;
    kd-heat) extra=("${kd[@]}" --distill 1.0 --distill-heat 1.0) ;;
    kd-whole) extra=("${kd[@]}" --distill 5 --distill-heat 1 --whole 4) ;;
  esac
  $PY train_detector.py --minutes "$MIN" --steps 100000 --batch 32 --tiles "$TILES" --seed 11 \
    --workers "$W" --threads 2 --ckpt-every 250 --name "det-$v" "${extra[@]}" > "$LOGS/det-$v.log" 2>&1 &
done
wait
echo "trained: $(( $(date +%s) - t0 ))s" | tee -a "$LOGS/env.txt"
for v in $RUN; do
  $PY export.py --detector "det-$v" --reader none --out-dir "$OUT/onnx-$v" >> "$LOGS/export.log" 2>&1
done
tar czf "$OUT/logs.tgz" -C "$LOGS" .
for v in $RUN; do tail -n 2 "$LOGS/det-$v.log"; done; tail -n 2 "$LOGS/export.log"
