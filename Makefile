# seqforge — the two commands of the README, and the benchmarks.
#   make demo   set up a fresh Debian machine and run the whole pipeline on the bundled data
#   make test   every test (fast loop, fuzzer, QEMU parity on every target, the report in Chromium)
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json
APT_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm \
                gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-system-misc chromium
SEQFORGE := node bin/seqforge.js
OUT := out
# vitest colours its output even when it goes to a file (it does not look at the terminal), so a
# redirected log (make test > log) gets plain text: NO_COLOR unless stdout is a terminal.
PLAIN_IF_REDIRECTED := [ -t 1 ] || export NO_COLOR=1;

.PHONY: setup deps build scripts typecheck test test-fast test-qemu test-browser fuzz soak demo screenshot bench bench-ts bench-train bench-quant forget-bias delta bench-memory flash-two-models counter-factors kernels import-fixtures import-parity clean

# System packages for cross-building, QEMU and the browser the report is tested in (Debian's
# chromium; puppeteer-core drives it and downloads none), installed only when missing (needs root or sudo).
deps:
	@if ! command -v arm-none-eabi-gcc >/dev/null || ! command -v qemu-system-arm >/dev/null \
	   || [ ! -f /usr/lib/arm-none-eabi/newlib/thumb/v7e-m+fp/hard/librdimon.a ] \
	   || ! command -v riscv64-unknown-elf-gcc >/dev/null || ! command -v qemu-system-riscv32 >/dev/null \
	   || [ ! -f /usr/lib/picolibc/riscv64-unknown-elf/lib/rv32im/ilp32/libc.a ] \
	   || ! command -v chromium >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(APT_PACKAGES); \
	fi

# onnxruntime-node (a devDependency) would download a CUDA add-on at install time; .npmrc says
# skip too, this also covers an npm that no longer passes unknown .npmrc keys to install scripts.
$(NODE_MODULES): package.json package-lock.json
	ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund

build: $(NODE_MODULES)
	npx tsc -p tsconfig.json

setup: deps build

# The tests themselves are type-checked too (vitest only strips types).
typecheck: $(NODE_MODULES)
	npx tsc -p tsconfig.test.json

# Two workers, as for test-fast: vitest's default (one fewer than the cores) ran the files one at a
# time here, while most of them wait on a compiler or QEMU process for much of their run.
test: setup typecheck
	@mkdir -p $(OUT)
	$(PLAIN_IF_REDIRECTED) npx vitest run --maxWorkers=2 --reporter=default --reporter=json --outputFile.json=$(OUT)/test-results.json; \
	  status=$$?; node test/print-summary.mjs $(OUT)/test-results.json && exit $$status

# Two workers: vitest's default leaves one of two cores idle, and these tests are CPU-bound.
test-fast: build typecheck
	$(PLAIN_IF_REDIRECTED) npx vitest run --project fast --maxWorkers=2

test-qemu: setup
	$(PLAIN_IF_REDIRECTED) npx vitest run --project qemu

test-browser: setup
	npx vitest run --project browser

# The fuzzer at five times the scale of `make test`: 5,000 random models on the host (C under the
# sanitizers, 50 per program) and 200 for the TypeScript module; counts and time printed. A
# failure is shrunk and written to fuzz-failures/. Override with SEQFORGE_FUZZ_CASES=N etc.
fuzz: setup typecheck
	$(PLAIN_IF_REDIRECTED) SEQFORGE_FUZZ_CASES=$${SEQFORGE_FUZZ_CASES:-5000} SEQFORGE_FUZZ_TS_CASES=$${SEQFORGE_FUZZ_TS_CASES:-200} \
	  npx vitest run --project fuzz test/verify/fuzz.fuzz.test.ts

# A 1,000,000-step stream on the host and 100,000 steps on Cortex-M4 under QEMU, per soak model,
# bit-exact with the simulator at every step and within the overflow proof: bench/soak.json, bench/soak.md.
soak: setup scripts
	node build/scripts/soak.js --out bench

# The demo on the bundled data (data/README.md): Seattle daily weather, 2012–2014 to train (the
# last 20% of it for validation and early stopping), 2015 held out to test. The model predicts
# tomorrow's temp_max from the last 8 days of temp_max, temp_min, precipitation and wind.
DEMO_TRAIN := data/seattle-weather-train.csv
DEMO_TEST := data/seattle-weather-test.csv
DEMO_FLAGS := --target temp_max --features temp_max,temp_min,precipitation,wind --window 8 --hidden 16 --epochs 100 --seed 1

demo: setup
	@mkdir -p $(OUT)
	@echo "== 1. train: float64 LSTM on 2012-2014 =="
	$(SEQFORGE) train --data $(DEMO_TRAIN) $(DEMO_FLAGS) --out $(OUT)/model.json
	@echo "== 2. predict: held-out test year (2015), next-day temp_max in °C, against persistence (tomorrow = today) =="
	$(SEQFORGE) predict $(OUT)/model.json --data $(DEMO_TEST) --engine float --out $(OUT)/predictions.csv
	@echo "== 3. quantize: w8a16, calibrated on the training data, accuracy on the test year =="
	$(SEQFORGE) quantize $(OUT)/model.json --calib $(DEMO_TRAIN) --data $(DEMO_TEST) --scheme w8a16 --out $(OUT)/model.q.json
	@echo "== 4. generate: C99 for Cortex-M4 =="
	$(SEQFORGE) generate $(OUT)/model.q.json --target cortex-m4 --name weather --out $(OUT)/weather
	@echo "== 5. verify: the C against the simulator, bit for bit, on the host and on Cortex-M4 under QEMU =="
	$(SEQFORGE) verify $(OUT)/model.q.json --data $(DEMO_TEST) --target host
	$(SEQFORGE) verify $(OUT)/model.q.json --data $(DEMO_TEST) --target cortex-m4
	@echo "== 6. bench: instructions per step (QEMU -icount: instructions, not cycles), flash and RAM on Cortex-M4 =="
	$(SEQFORGE) bench $(OUT)/model.q.json --target cortex-m4
	@echo "== 7. report: one HTML page (no network needed) with all of the above, verified and benched again =="
	$(SEQFORGE) report $(OUT)/model.q.json --data $(DEMO_TEST) --target cortex-m4 --out $(OUT)/report.html
	@echo "open $(abspath $(OUT)/report.html)"

# The README's picture of the report (docs/report.png): the top of the demo's page in Chromium.
screenshot: demo scripts
	node build/scripts/screenshot.js $(OUT)/report.html docs/report.png --width 1000 --height 2400

# Repository tools (scripts/): benchmark drivers and measurements, compiled into build/ with the
# sources they use, never into the shipped dist/.
scripts: $(NODE_MODULES)
	npx tsc -p tsconfig.scripts.json

# Instructions per step (QEMU -icount; instructions, not cycles), flash and RAM of the reference
# models S, M, L on every QEMU target: bench/results.json, bench/results.md; beside them CMSIS-NN's
# from bench/cmsis-nn.json when scripts/bench-cmsis-nn.sh CMSIS_NN_DIR has written it.
bench: setup scripts
	node build/scripts/bench-targets.js --out bench

# Steps per second of the generated TypeScript module on Node against the simulator, reference
# models S, M, L (w8a16) and M in every scheme: bench/ts.json, bench/ts.md. Timings: they vary with
# the machine and its load, which the table states.
bench-ts: build scripts
	node build/scripts/bench-ts.js --out bench

# Fixed-point accuracy per series (scripts/series.ts), scheme, cell and run mode against issue
# 12's goals, nonlinearity error bounds, 100,000-step streaming runs on the demo series, and
# quantization-aware fine-tuning (quantize --finetune) of the w8a8 and stream-mode a16 rows:
# bench/quant.json, bench/quant.md.
bench-quant: setup scripts
	node build/scripts/bench-quant.js --out bench

# The initial forget-gate bias, 0 against 1, on every bundled series (three seeds each):
# bench/forget-bias.json, bench/forget-bias.md.
forget-bias: setup scripts
	node build/scripts/forget-bias.js --out bench

# train --delta against the level model on the trending series (Mauna Loa CO2, three seeds,
# two feature sets): bench/delta.json, bench/delta.md.
delta: setup scripts
	node build/scripts/delta.js --out bench

# One training iteration (forward, BPTT, update) against numpy running the same algorithm
# (test/example/seed_lstm.py), and batch 1 against 32: bench/train.json, bench/train.md.
bench-train: scripts
	node build/scripts/bench-train.js --out bench

# Peak memory and time of training and predicting on a 2,000,000-row CSV (written into out/),
# measured with /usr/bin/time -v: bench/memory.json, bench/memory.md.
bench-memory: build scripts
	node build/scripts/bench-memory.js --out bench

# Flash of two models linked into one image (one shared nonlinearity table) against each alone.
flash-two-models: setup scripts
	node build/scripts/flash-two-models.js --target cortex-m4

# Instructions per counter tick of every QEMU target, measured with a loop of known length
# (the factors recorded in targets/*.json; a QEMU test checks them too).
counter-factors: setup scripts
	node build/scripts/measure-counter-factors.js

# Reassembles the trainer's WebAssembly kernels (src/train/wasm/kernels-wat.ts) into the
# committed src/train/wasm/kernels-wasm.ts; a test fails when the two disagree.
kernels: scripts
	node build/scripts/build-kernels.js

# The import fixtures (test/interop/fixtures/): PyTorch exports, written with Debian's
# python3-torch and python3-onnx (apt-get install python3-torch python3-onnx), and Keras models
# written with @tensorflow/tfjs, each with the framework's own outputs. The tests need neither.
import-fixtures: scripts
	/usr/bin/python3 scripts/make-onnx-fixtures.py
	node build/scripts/make-keras-fixtures.js

# How close import and export come to the frameworks on each fixture (max difference / spread).
import-parity: scripts
	node build/scripts/import-parity.js

clean:
	rm -rf dist build $(OUT)
