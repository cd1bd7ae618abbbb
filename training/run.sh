#!/usr/bin/env bash
# Rebuild every model from scratch: prepare -> synth -> train -> export -> eval -> card.
# Usage: bash training/run.sh [stage ...]   (default: all; see training/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 training/pipeline.py "${@:-all}"
