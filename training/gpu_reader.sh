#!/usr/bin/env bash
# GPU run 3: the readers only, in one time-boxed go on a borrowed GPU box (or any machine with
# python3, torch, numpy and PIL) and the pack from `pipeline.py prepare` (carried as
# training/work/pack: reader_real.npz, us_tune_2x.npz, fonts/, manifest.json and, when
# `pipeline.py pseudo-label` has run, pseudo_real.npz, and photos_2x.npz (the training photos read
# by eye); never the held-out half). A VARIANTS mix of 5 weights trains on the photos too.
#   1. seeded synthetic banks (training bank seed 7, fine-tuning bank seed 23)
#   2. two readers of arch ARCH (`small` by default; the next run uses `wide`, whose int8
#      export already reads a crop in 1.1 ms: training/README.md), trained from scratch with the
#      validation fold of the US tuning half kept out (--us-val-every 5); they differ only in
#      how much of each batch is real US crops (VARIANTS)
#   3. each fine-tuned on the US tuning crops minus the fold, validated on the fold every
#      EVAL_EVERY steps, the best step kept (`finetune_reader.py`)
# Model choice happens afterwards, on the fold alone (training/README.md, "Choosing a reader").
# Checkpoints go to $OUT/ckpt, logs and fold histories to $OUT/logs.tgz (8 files at most).
set -u
cd "$(dirname "$0")"
OUT=${OUT:-$PWD/work/gpu-out}
MIN=${MIN:-4.5}              # training minutes per reader (they train at the same time)
FT_MIN=${FT_MIN:-1.5}        # fine-tuning minutes per reader
FT_STEPS=${FT_STEPS:-1200}
FT_MIX=${FT_MIX:-0.5,0.4,0.1}  # US, synthetic, BR; a 4th weight adds the training photos read by eye (photos_2x.npz)
PHOTO_ARGS=${PHOTO_ARGS:-}     # e.g. --photo-o-zero: the photos' O written 0 in training and fine-tuning
FT_ARGS=${FT_ARGS:-}           # more finetune_reader.py flags, e.g. --distill 1.0 (session 14's shipped recipe)
SYNTH=${SYNTH:-64000}
EVAL_EVERY=${EVAL_EVERY:-50}
VARIANTS=${VARIANTS:-"small-a:0.65,0.2,0.15 small-b:0.5,0.35,0.15"}
ARCH=${ARCH:-small}          # or `wide` (run 1's network; about 2x slower in float, 1.1 ms a crop int8)
PROCS=${PROCS:-$(nproc)}
PY=${PY:-python3}
LOGS=${LOGS:-/tmp/canvass-gpu-logs}
mkdir -p "$OUT/ckpt" "$LOGS"
export CANVASS_CKPT="$OUT/ckpt" PYTHONUNBUFFERED=1
{ $PY -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())'
  nvidia-smi -L 2>/dev/null; echo "MIN=$MIN FT_MIN=$FT_MIN FT_STEPS=$FT_STEPS FT_MIX=$FT_MIX PHOTO_ARGS=$PHOTO_ARGS FT_ARGS=$FT_ARGS SYNTH=$SYNTH VARIANTS=$VARIANTS ARCH=$ARCH"; } 2>&1 | tee "$LOGS/env.txt"
t0=$(date +%s)
$PY synth_bank.py reader --n "$SYNTH" --seed 7 --procs $(( PROCS > 4 ? PROCS - 3 : 1 )) > "$LOGS/synth_train.log" 2>&1 &
$PY synth_bank.py reader --n 4000 --seed 23 --procs 3 > "$LOGS/synth_ft.log" 2>&1 &
wait
echo "synth banks: $(( $(date +%s) - t0 ))s" | tee -a "$LOGS/env.txt"
for v in $VARIANTS; do
  name=${v%%:*}; mix=${v#*:}
  $PY train_reader.py --minutes "$MIN" --steps 200000 --batch 256 --synth "$SYNTH" --seed 7 \
    --threads 3 --ckpt-every 500 --mix "$mix" --arch "$ARCH" --us-val-every 5 --name "$name" $PHOTO_ARGS \
    > "$LOGS/$name.log" 2>&1 &
done
wait
echo "trained: $(( $(date +%s) - t0 ))s" | tee -a "$LOGS/env.txt"
for v in $VARIANTS; do
  name=${v%%:*}
  $PY finetune_reader.py --base "$name" --name "$name-ft" --minutes "$FT_MIN" --steps "$FT_STEPS" \
    --batch 64 --eval-every "$EVAL_EVERY" --ckpt-every 100 --synth 4000 --synth-seed 23 --mix "$FT_MIX" $PHOTO_ARGS \
    --seed 13 --threads 3 --procs 3 $FT_ARGS > "$LOGS/$name-ft.log" 2>&1 &
done
wait
echo "total: $(( $(date +%s) - t0 ))s" | tee -a "$LOGS/env.txt"
cp work/finetune/*-ft.json "$LOGS/" 2>/dev/null
tar czf "$OUT/logs.tgz" -C "$LOGS" .
for v in $VARIANTS; do tail -n 2 "$LOGS/${v%%:*}.log" "$LOGS/${v%%:*}-ft.log"; done
