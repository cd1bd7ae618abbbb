#!/usr/bin/env bash
# One time-boxed training run on a borrowed GPU box (or any machine): needs only python3 with
# torch, numpy and PIL, plus the pack built by `pipeline.py prepare` (carried as
# training/work/pack). Checkpoints and logs go to $OUT (default training/work/gpu-out); bring
# them back into training/work/checkpoints and run `pipeline.py export eval card`.
set -u
cd "$(dirname "$0")"
OUT=${OUT:-$PWD/work/gpu-out}
MIN=${MIN:-5.5}            # training minutes per model (both train at once)
READER_SYNTH=${READER_SYNTH:-80000}
TILES=${TILES:-8000}
PROCS=${PROCS:-$(nproc)}
PY=${PY:-python3}
mkdir -p "$OUT/checkpoints"
export CANVASS_CKPT="$OUT/checkpoints"
$PY -c 'import torch, numpy, PIL; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>&1 | tee "$OUT/env.txt"
nvidia-smi -L 2>/dev/null | tee -a "$OUT/env.txt"
t0=$(date +%s)
$PY synth_bank.py reader --n "$READER_SYNTH" --seed 7 --procs $(( PROCS * 3 / 4 > 1 ? PROCS * 3 / 4 : 1 )) > "$OUT/synth_reader.log" 2>&1 &
$PY synth_bank.py scene --n "$TILES" --seed 11 --procs $(( PROCS / 4 > 1 ? PROCS / 4 : 1 )) > "$OUT/synth_scene.log" 2>&1 &
wait
echo "synth banks: $(( $(date +%s) - t0 ))s" | tee -a "$OUT/env.txt"
$PY train_reader.py --minutes "$MIN" --steps 200000 --batch 256 --synth "$READER_SYNTH" \
  --seed 7 --threads 3 --ckpt-every 500 --mix 0.65,0.2,0.15 --arch small --name reader > "$OUT/reader.log" 2>&1 &
if [ "${WIDE:-1}" = 1 ]; then  # comparison model, not shipped
$PY train_reader.py --minutes "$MIN" --steps 200000 --batch 256 --synth "$READER_SYNTH" \
  --seed 7 --threads 3 --ckpt-every 500 --mix 0.65,0.2,0.15 --arch wide --name reader-wide > "$OUT/reader-wide.log" 2>&1 &
fi
$PY train_detector.py --minutes "$MIN" --steps 100000 --batch 32 --tiles "$TILES" --seed 11 \
  --workers $(( PROCS > 6 ? PROCS - 6 : 1 )) --threads 3 --ckpt-every 250 > "$OUT/detector.log" 2>&1 &
wait
echo "total: $(( $(date +%s) - t0 ))s" | tee -a "$OUT/env.txt"
tail -n 3 "$OUT/reader.log" "$OUT/detector.log"
