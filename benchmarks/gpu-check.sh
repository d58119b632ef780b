#!/usr/bin/env bash
# Issue 25 item 7: prunebench on a real GPU, in one go (a lent GPU machine: no network, ~15
# minutes, at most 64 MiB of files). Prepared here, run there; see benchmarks/README.md.
#   here:  npm run build && node benchmarks/gpu-bundle.js --archive      # gpu-bundle.tar.xz, ~33 MB
#   there: bash benchmarks/gpu-check.sh                                   # (carry gpu-bundle.tar.xz)
# Writes machine.txt, bench.json, wasm-all-cores.json, study.log and summary.txt to $OUT
# (default gpu-check-out/). Every step has its own time limit, so one that hangs costs only itself.
# QUICK=1: tiny settings, to check the script itself anywhere (e.g. on SwiftShader), not to measure.
set -uo pipefail
if [ "${QUICK:-0}" = 1 ]; then
  MODELS=reference-cnn; BATCH=2; STEPS=1; WARMUP=0; CORES=2; TRAIN=16; TEST=8; DEPTH_MODEL=lenet5; INPUT=12; STUDY_BATCH=8
else
  MODELS=reference-cnn,resnet20,resnet56; BATCH=128; STEPS=8; WARMUP=2; CORES="$(nproc)"; TRAIN=10000; TEST=1000; DEPTH_MODEL=resnet56; INPUT=32; STUDY_BATCH=128
fi
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu-check-out}"
mkdir -p "$OUT"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/summary.txt"; }

if [ ! -d gpu-bundle ] && [ -f gpu-bundle.tar.xz ]; then tar -xJf gpu-bundle.tar.xz; fi
[ -x gpu-bundle/prunebench ] || { echo "no gpu-bundle/: make it first (node benchmarks/gpu-bundle.js --archive)" >&2; exit 2; }
PB="$PWD/gpu-bundle/prunebench"
NODE="$PWD/gpu-bundle/bin/node"; [ -x "$NODE" ] || NODE=node
# Dawn reaches the GPU through the Vulkan loader (bundled) and the vendor's ICD (NVIDIA's ships
# with its driver: libGLX_nvidia.so.0). A container may have the library without the ICD json.
export LD_LIBRARY_PATH="$PWD/gpu-bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ -z "${VK_ICD_FILENAMES:-}" ] && ! ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json >/dev/null 2>&1; then
  glx="$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0/ {print $NF; exit}')"
  if [ -n "$glx" ]; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$glx" > "$OUT/nvidia_icd.json"
    export VK_ICD_FILENAMES="$OUT/nvidia_icd.json"
  fi
fi

{
  date -u; uname -srm; echo "node: $("$NODE" --version)"; echo "cores: $(nproc)"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>/dev/null || echo "nvidia-smi: not found"
  echo "Vulkan ICDs: $(ls /usr/share/vulkan/icd.d/ /etc/vulkan/icd.d/ 2>/dev/null | tr '\n' ' ') VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-}"
} > "$OUT/machine.txt" 2>&1
cat "$OUT/machine.txt" | tee -a "$OUT/summary.txt"

log "1. bench: webgpu and wasm, $MODELS at batch $BATCH"
timeout 240 "$PB" bench --json --backends webgpu,wasm-accelerated --models "$MODELS" --batch "$BATCH" --warmup "$WARMUP" --steps "$STEPS" > "$OUT/bench.json" 2> "$OUT/bench.err"
log "   exit $? ($(grep -o '"webgpu": *"[^"]*"' "$OUT/bench.json" | head -1))"

WASM_MODEL="${MODELS##*,}"
log "2. wasm over all $CORES cores: one bench process per core, $WASM_MODEL, batch $BATCH"
for i in $(seq "$CORES"); do
  timeout 180 "$PB" bench --json --backends wasm-accelerated --models "$WASM_MODEL" --batch "$BATCH" --warmup 1 --steps 3 > "$OUT/wasm-core-$i.json" 2>/dev/null &
done
wait
"$NODE" -e '
  const fs = require("fs"); const dir = process.argv[1];
  const figures = fs.readdirSync(dir).filter((f) => /^wasm-core-\d+\.json$/.test(f)).map((f) => { try { return Object.values(JSON.parse(fs.readFileSync(`${dir}/${f}`, "utf8")).models)[0]["wasm-accelerated"].imagesPerSecond; } catch { return null; } });
  const ok = figures.filter((v) => typeof v === "number");
  fs.writeFileSync(`${dir}/wasm-all-cores.json`, JSON.stringify({ processes: figures.length, finished: ok.length, imagesPerSecond: ok.reduce((a, b) => a + b, 0), each: ok }, null, 2));
' "$OUT"
log "   $(cat "$OUT/wasm-all-cores.json" | tr -d '\n ')"

log "3. a 2-epoch $DEPTH_MODEL original on CIFAR-shaped synthetic data, --backend webgpu"
cat > "$OUT/resnet56.config.json" <<JSON
{ "dataset": { "use": "synthetic", "inputShape": [$INPUT, $INPUT, 3], "numClasses": 10, "trainSize": $TRAIN, "testSize": $TEST, "noise": 0.3 },
  "model": "$DEPTH_MODEL",
  "original": { "epochs": 2, "batchSize": $STUDY_BATCH, "lr": 0.1, "milestones": [1], "gamma": 0.1, "momentum": 0.9, "weightDecay": 1e-4 },
  "pruners": [{ "use": "l1", "plan": { "use": "uniform", "ratio": 0.5 } }], "schedules": ["ft"], "budgets": [1], "seeds": [0],
  "workers": 1, "out": "$OUT/resnet56-study" }
JSON
timeout 300 "$PB" run --config "$OUT/resnet56.config.json" --backend webgpu > "$OUT/study.log" 2>&1
log "   exit $?; $(grep -m1 'backend webgpu' "$OUT/study.log" | cut -c1-300)"
grep -E 'done: train original|done: retrain' "$OUT/study.log" | tee -a "$OUT/summary.txt"

"$NODE" -e '
  const fs = require("fs"); const dir = process.argv[1];
  const bench = JSON.parse(fs.readFileSync(`${dir}/bench.json`, "utf8"));
  const all = JSON.parse(fs.readFileSync(`${dir}/wasm-all-cores.json`, "utf8"));
  for (const [model, row] of Object.entries(bench.models)) console.log(model, Object.entries(row).map(([b, f]) => `${b} ${f.imagesPerSecond?.toFixed(1) ?? f.status} img/s`).join(", "));
  console.log("devices:", JSON.stringify(bench.devices));
  const model = process.argv[2]; const gpu = bench.models[model]?.webgpu?.imagesPerSecond;
  if (gpu && all.imagesPerSecond) console.log(`${model}: webgpu ${gpu.toFixed(1)} img/s = ${(gpu / all.imagesPerSecond).toFixed(1)}x wasm over ${all.finished} cores (${all.imagesPerSecond.toFixed(1)} img/s; target 10x)`);
' "$OUT" "$WASM_MODEL" 2>&1 | tee -a "$OUT/summary.txt"
