# vafa: the two commands a newcomer needs are `make demo` and `make test`. Both install what the
# build needs first (scripts/bootstrap, idempotent).
BUILD      ?= build/release
ASAN_BUILD ?= build/asan
DEMO_DB    ?= demo.db
DEMO_DATA  ?= build/demo-data
DEMO_PORT  ?= 8080
DEMO_SERVE ?= yes
JOBS       ?= $(shell nproc)
VAFA        = $(BUILD)/vafa
SOURCES     = $(shell git ls-files --cached --others --exclude-standard '*.cpp' '*.hpp')

.PHONY: all bootstrap web build browser-test demo test unit-asan fuzz format format-check bench clean

all: build

bootstrap:
	@scripts/bootstrap

# The dashboard (web/): npm ci when the lock file changed, Vite when a source changed; the C++
# build then embeds web/dist and web/dist-report into the binary.
WEB_SOURCES = $(shell find web/src -type f 2>/dev/null) web/index.html web/report.html \
              web/vite.config.ts web/tsconfig.json web/package.json

web/node_modules/.package-lock.json: web/package-lock.json
	@cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	@cd web && npm run --silent build > /dev/null
	@touch $@

web: bootstrap web/dist/index.html

build: bootstrap web
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DVAFA_BUILD_BENCH=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# Generate 10,000 customers as files, import them as a shop would, and show what the store holds.
demo: build
	@rm -rf $(DEMO_DATA) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(VAFA) generate --customers 10000 --seed 42 --out $(DEMO_DATA)
	$(VAFA) --db $(DEMO_DB) import products  $(DEMO_DATA)/products.csv
	$(VAFA) --db $(DEMO_DB) import customers $(DEMO_DATA)/customers.csv
	$(VAFA) --db $(DEMO_DB) import orders    $(DEMO_DATA)/orders.csv
	$(VAFA) --db $(DEMO_DB) import events    $(DEMO_DATA)/events.ndjson
	$(VAFA) --db $(DEMO_DB) import spend     $(DEMO_DATA)/spend.csv
	$(VAFA) --db $(DEMO_DB) stats
	@echo; echo "== CLV: the purchase models fitted on orders up to 2025-06-30, compared on the rest of 2025 =="
	@$(VAFA) --db $(DEMO_DB) clv validate --calibration-end 2025-06-30 --holdout-end 2025-12-31 --unit week --store
	@echo; echo "== The spend model on the repeat customers' order values =="
	@$(VAFA) --db $(DEMO_DB) clv fit --model gamma-gamma --calibration-end 2025-06-30 --unit week
	@$(VAFA) --db $(DEMO_DB) clv predict --calibration-end 2025-06-30 --unit day --horizon 180 \
	  --discount-rate 0.0003 --out $(DEMO_DATA)/clv.csv
	@$(VAFA) --db $(DEMO_DB) clv predict --calibration-end 2025-06-30 --unit day --horizon 180 \
	  --discount-rate 0.0003 --store
	@echo; echo "== Top 10 customers by BG/NBD CLV over the next 180 days ($(DEMO_DATA)/clv.csv) =="
	@(head -1 $(DEMO_DATA)/clv.csv; tail -n +2 $(DEMO_DATA)/clv.csv | sort -t, -k8,8 -gr | head -10) \
	  | awk -F, '{ printf "%-10s %9s %9s %9s %8s %18s %20s %10s\n", $$1, $$2, $$3, $$4, $$5, $$6, $$7, $$8 }'
	@echo; echo "== Analytics as of 2026-01-01: every customer's RFM, stage, score; the segments =="
	@$(VAFA) --db $(DEMO_DB) segments create loyal_ir_am \
	  'orders >= 3 and last_order_days <= 90 and consent.email and country in ("IR", "AM")' >/dev/null
	@$(VAFA) --db $(DEMO_DB) segments create slipping_valuable \
	  'stage in ("at_risk", "lapsed") and monetary_score >= 4' >/dev/null
	@$(VAFA) --db $(DEMO_DB) segments create advocates 'advocacy = "lover" and score >= 50' >/dev/null
	@$(VAFA) --db $(DEMO_DB) refresh --as-of 2026-01-01
	@echo; echo "== Headline metrics per quarter =="
	@$(VAFA) --db $(DEMO_DB) metrics --period quarter
	@echo; echo "== Acquisition cohorts: share buying in each quarter since =="
	@$(VAFA) --db $(DEMO_DB) cohorts --period quarter
	@echo; echo "== Acquisition per quarter at a 30% margin: CAC, CLV:CAC and payback =="
	@$(VAFA) --db $(DEMO_DB) acquisition --period quarter --margin 0.3 --from 2025-01-01
	@echo; echo "== RFM groups =="
	@$(VAFA) --db $(DEMO_DB) rfm
	@echo; echo "== Lifecycle stages =="
	@$(VAFA) --db $(DEMO_DB) stages
	@echo; echo "== Advocacy pyramid per quarter and the flows between levels =="
	@$(VAFA) --db $(DEMO_DB) pyramid --period quarter
	@echo; echo "== Segments =="
	@$(VAFA) --db $(DEMO_DB) segments list
	@echo; echo "== Retention risk: revenue at stake =="
	@$(VAFA) --db $(DEMO_DB) customers rank --by risk --limit 5
	@echo; echo "== Recommendations: trained before 2025-07-01, scored on what customers bought after =="
	@$(VAFA) --db $(DEMO_DB) recommend evaluate --split-date 2025-07-01 --k 10 --store
	@echo; echo "== Recommendations for two customers, and what is bought with a product =="
	@$(VAFA) --db $(DEMO_DB) recommend train
	@$(VAFA) --db $(DEMO_DB) recommend for C0000002 --k 5
	@$(VAFA) --db $(DEMO_DB) recommend for C0000003 --k 5
	@$(VAFA) --db $(DEMO_DB) recommend similar SKU000001 --k 5
	@echo; echo "== The HTTP API with the loyalty club (examples/vafa.toml) =="
	@$(VAFA) --db $(DEMO_DB) loyalty config --config examples/vafa.toml > /dev/null
	@$(VAFA) --db $(DEMO_DB) keys create --name demo --role admin
	@echo "Try, in another terminal (KEY is the key above):"
	@echo "  curl -s http://127.0.0.1:$(DEMO_PORT)/api/v1/customers/C0000002 -H \"Authorization: Bearer \$$KEY\""
	@echo "  curl -s -X POST http://127.0.0.1:$(DEMO_PORT)/api/v1/orders -H \"Authorization: Bearer \$$KEY\" \\"
	@echo "    -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' \\"
	@echo "    -d '{\"id\": \"demo-1\", \"customer_id\": \"C0000002\", \"currency\": \"USD\", \"lines\": [{\"sku\": \"SKU000001\", \"unit_price_minor\": 2599}]}'"
	@echo "  curl -s http://127.0.0.1:$(DEMO_PORT)/api/v1/customers/C0000002/points -H \"Authorization: Bearer \$$KEY\""
	@echo "The API: docs/api.md; the OpenAPI document: http://127.0.0.1:$(DEMO_PORT)/api/v1/openapi.json"
	@echo; echo "== The report: the dashboard's charts in one file that opens offline =="
	@$(VAFA) --db $(DEMO_DB) report --out report.html --lang en
	@$(VAFA) --db $(DEMO_DB) report --out report-fa.html --lang fa
	@echo; echo "== The dashboard =="
	@password=$$(head -c 12 /dev/urandom | base64 | tr -d '/+='); \
	  echo "$$password" | $(VAFA) --db $(DEMO_DB) users create demo --role admin --lang en > /dev/null && \
	  echo "Open http://127.0.0.1:$(DEMO_PORT)/ and sign in as 'demo' with the password $$password" && \
	  echo "(in Persian: http://127.0.0.1:$(DEMO_PORT)/?lang=fa, in Armenian: ?lang=hy)"
ifneq ($(DEMO_SERVE),no)
	@echo "Serving the demo store until Ctrl-C (DEMO_SERVE=no make demo skips this):"
	@$(VAFA) --db $(DEMO_DB) serve --listen 127.0.0.1:$(DEMO_PORT) --config examples/vafa.toml
endif

# Everything: release build with unit and integration tests, the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer, the fuzzers, the formatting check and the layer
# check (scripts/check-layers: no folder of src/vafa includes a layer above it) and the Store's
# conformance coverage (scripts/check-conformance: every Store operation has a conformance test).
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory browser-test
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory format-check
	@scripts/check-layers
	@scripts/check-conformance

# The dashboard and the report in Debian's Chromium against a real `vafa serve` on loopback, and
# the catalogue checks (web/tests/); screenshots of every page in every language land in
# build/screenshots/.
browser-test: build
	cd web && VAFA=$(abspath $(VAFA)) SCREENSHOTS=$(abspath build/screenshots) \
	  node --test --test-concurrency=1 tests/

# The fuzzers in fuzz/ (HTTP requests, segment rules, JSON) for FUZZ_SECONDS each; longer runs:
# scripts/fuzz 3600 [request|rule|json].
FUZZ_SECONDS ?= 40
fuzz: bootstrap
	scripts/fuzz $(FUZZ_SECONDS)

unit-asan: bootstrap
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVAFA_SANITIZE=ON \
	  -DVAFA_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -L unit

format:
	clang-format -i $(SOURCES)

format-check: bootstrap
	@clang-format --dry-run --Werror $(SOURCES) && echo "format: ok"

bench: build
	bench/run

clean:
	rm -rf build $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
