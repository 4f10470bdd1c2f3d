# Two commands on a fresh machine (Python 3.11, pip, gcc, make):
#   make demo   set up .venv/ and run the named models on every simulator with their checks
#   make test   set up .venv/ and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.zoo-installed

.PHONY: setup demo test test-slow fuzz bench networks conformance gallery mutate mutate-resume clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -qq --upgrade pip
	$(BIN)/python -m pip install -qq -e '.[test]'
	# PyNN's NEURON mechanisms, compiled once (pyNN.neuron cannot import without them)
	cd "$$($(BIN)/python -c 'import os, pyNN; print(os.path.dirname(pyNN.__file__))')/neuron/nmodl" && \
		{ test -f x86_64/libnrnmech.so || $(abspath $(BIN))/nrnivmodl > /dev/null; }
	# Debian's Chromium for the browser tests of zoo explore (Playwright cannot download its own here)
	test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null; }
	# NEST's extension modules include ltdl.h; then the zoo's NESTML neurons, built once (cached)
	test -f /usr/include/ltdl.h || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libltdl-dev > /dev/null; }
	$(BIN)/python -c 'from zoo.backends.nest import nestml_build; nestml_build.build()'
	touch $(STAMP)

demo: setup
	$(BIN)/zoo check lif
	$(BIN)/zoo check lapicque
	$(BIN)/zoo check hh
	$(BIN)/zoo check hh_traub
	$(BIN)/zoo check if_cond_exp
	$(BIN)/zoo check adex
	$(BIN)/zoo check izhikevich
	$(BIN)/zoo check izhikevich2004
	$(BIN)/zoo check cable
	$(BIN)/zoo check masquelier2008
	$(BIN)/zoo check masquelier2008_srm
	$(BIN)/zoo check mainen_sejnowski1995

# A worker per core, one test file at a time per worker: a file's module fixtures (a
# sweep, the 75 s STDP runs) are computed once. Files go out in the order tests/conftest.py
# gives (the longest first), not xdist's default (the most tests first), so no long file
# starts last while the other worker has nothing left. The slowest 30 tests are listed at
# the end, so that CI's log shows where the time goes.
test: setup
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder --durations=30

# The long reproductions (marked slow): every model's quick conformance matrix, the README's
# sweeps judged by Elephant, the STDP protocols of Masquelier et al. (about 20 minutes on 2 cores)
test-slow: setup
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder -m slow

# The property test of every model's parameter space with many random examples (Hypothesis
# profile zoo-fuzz; the default suite runs a few derandomised ones)
fuzz: setup
	ZOO_HYPOTHESIS_PROFILE=zoo-fuzz $(BIN)/python -m pytest tests/zoo/test_parameter_space.py

# The full-size networks, on demand: brunel2000's check (5 seeds per simulator judged in
# distribution, and Fig. 8's four states: the full network on NEST, half of it on Brian2;
# about 20 minutes on 2 cores) and the benchmark against native NEST and Brian2 scripts
networks: setup
	$(BIN)/zoo check brunel2000
	$(BIN)/python benchmarks/brunel.py --scale 1

# The committed report: every model x simulator x dt (about 12 minutes on 2 cores from nothing).
# Resumed: rows and studies are stored under the version of the code that made them
# (explorer/code_version.py), so what this code changed is rerun and nothing stale is reused.
conformance: setup
	$(BIN)/zoo conformance --out .conformance --report docs/conformance.md

# docs/gallery.md and its figures: every experiment in its full mode (about 5 minutes on 2 cores)
gallery: setup
	$(BIN)/python -m experiments.gallery

# Mutation testing of the bookkeeping and judging code (mutmut): docs/mutation.md, the raw
# score per module and every survivor labelled (mutation/survivors.toml). Budget 30 minutes on
# 2 cores; with cluster and code_version added the run is longer (open issue 31)
mutate: setup
	$(BIN)/python -m mutation.run

# An interrupted make mutate, continued: only the mutants without a result run
mutate-resume: setup
	$(BIN)/python -m mutation.run --resume

bench: setup
	$(BIN)/python benchmarks/lif_population.py
	$(BIN)/python benchmarks/explorer_sweep.py
	$(BIN)/python benchmarks/hh_fi_curve.py
	$(BIN)/python benchmarks/cable_passive.py

clean:
	rm -rf $(VENV) build *.egg-info mutants
