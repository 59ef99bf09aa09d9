# The two commands a newcomer needs are `make demo` and `make test`;
# both install what is missing first (scripts/setup.sh).
.PHONY: demo test build bench setup partner-key

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

build:
	bash scripts/setup.sh && bash scripts/build.sh

bench:
	bash scripts/bench.sh

setup:
	bash scripts/setup.sh

partner-key:
	bash scripts/new-partner-key.sh
