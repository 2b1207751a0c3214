#!/usr/bin/env bash
# Fetch the recommended checkpoints into the models directory, with progress; an interrupted run
# resumes where it stopped (re-run the same command). Works against HF_ENDPOINT like the server.
#   scripts/pull-models.sh [asr|chat|all]      (default: asr)
# Environment: OMINIX_HOME (models in $OMINIX_HOME/models), HF_ENDPOINT, HF_TOKEN,
# OMINIX_CMD (the ominix command to use; default: scripts/ominix next to this script).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
read -r -a ominix <<< "${OMINIX_CMD:-$here/ominix}"
models_dir="${OMINIX_HOME:-$HOME/.ominix}/models"

asr=(mlx-community/Qwen3-ASR-0.6B-8bit mlx-community/Qwen3-ASR-1.7B-8bit)
chat=(moxin-org/MiniCPM4-SALA-9B-8bit-mlx)

case "${1:-asr}" in
    asr) repos=("${asr[@]}") ;;
    chat) repos=("${chat[@]}") ;;
    all) repos=("${asr[@]}" "${chat[@]}") ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [asr|chat|all]" >&2; exit 2 ;;
esac

failed=0
for repo in "${repos[@]}"; do
    name="${repo#*/}"
    if [ -f "$models_dir/$name/config.json" ]; then
        echo "$repo: already in $models_dir/$name"
        continue
    fi
    echo "$repo: pulling"
    if ! "${ominix[@]}" pull "$repo"; then
        echo "$repo: failed (run again to resume)" >&2
        failed=1
    fi
done
exit "$failed"
