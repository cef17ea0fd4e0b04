#!/usr/bin/env bash
# One short run on a CUDA machine (under 8 minutes on an H200): trains the universal predictor (both members)
# and a NAS-Bench-201 specialist on the GPU through Lightning, times AZ-NAS proxies on CUDA, and prints each
# time beside its 2-core CPU figure. Not run yet: no GPU was lent to the stop that wrote it.
#
# Prepare here, once:   bash benchmarks/gpu.sh --prepare
#   (copies the four benchmark files into .gpu_data/, which is git-ignored, for the device call to carry)
# On the device:        run(command="bash benchmarks/gpu.sh", carry=[".gpu_data"], timeout_s=540)
#   (the device has torch, PyG, Lightning and transformers; tgnas runs from source; every text the shipped
#   spaces need is in the shipped embedding cache, so the encoder is not loaded)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--prepare" ]; then
    src="${TGNAS_DATA:-../shared/data}"
    for f in nb201/nb201_master_15625.csv nb101/naslib_nb101_500.json anb/anb_train_4138.json \
             images/cifar10_test_1000_balanced.npz; do
        mkdir -p ".gpu_data/$(dirname "$f")" && cp "$src/$f" ".gpu_data/$f"
    done
    grep -qx '/.gpu_data/' .git/info/exclude 2>/dev/null || echo '/.gpu_data/' >> .git/info/exclude
    du -sh .gpu_data
    exit 0
fi
export PYTHONPATH=. TGNAS_DATA="${TGNAS_DATA:-.gpu_data}" TGNAS_CACHE="${TGNAS_CACHE:-/tmp/tgnas_cache}"
out="${OUT:-/tmp/tgnas_gpu}"
mkdir -p "$out"
python -c "import torch; assert torch.cuda.is_available(), 'no CUDA device'; print('device:', torch.cuda.get_device_name(0))"

stamp() { date +%s.%N; }
t0=$(stamp)
python -m tgnas train --spaces nb201,nb101,anb --accelerator gpu --out "$out/universal.pt" --json > "$out/universal.json.out"
t1=$(stamp)
python -m tgnas train --protocol random --labels 156 --accelerator gpu --out "$out/nb201_156.pt" --json > "$out/nb201.json.out"
t2=$(stamp)
python - "$out" <<'PY'
import sys, time, numpy as np
from tgnas.benchmarks import get_benchmark
from tgnas.proxies.data import gaussian_batch
from tgnas.proxies.runner import compute_proxies
from tgnas.spaces import get_space

space, bench = get_space("nb201"), get_benchmark("nb201")
idx = np.random.default_rng(0).choice(len(bench), 50, replace=False)
batch = gaussian_batch(64, seed=0)
for device in ("cuda", "cpu"):
    start = time.perf_counter()
    for i in idx[: (50 if device == "cuda" else 10)]:
        compute_proxies(space.build(space.parse(bench.arch_strings()[i])), batch, ["az"], device=device)
    n = 50 if device == "cuda" else 10
    print(f"AZ-NAS on {device}: {1000 * (time.perf_counter() - start) / n:.0f} ms per architecture")
PY
echo "universal (both members) on the GPU: $(python -c "print(f'{$t1 - $t0:.0f}')") s  (2-core CPU: 1,402 s with another job sharing the cores; the mixed member alone 424 s)"
echo "NB201 specialist, 156 labels, on the GPU: $(python -c "print(f'{$t2 - $t1:.0f}')") s"
python -m tgnas score --checkpoint "$out/universal.pt" 'e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2'
