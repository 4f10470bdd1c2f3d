"""What ``make mutate`` relies on in the tests it runs (``[tool.mutmut]`` in pyproject.toml).

mutmut runs each mutant's tests by their IDs, with ``pytest.main`` in a process forked from
one that has already collected them. pytest escaped a backslash in a test's ID again in
each later session of one process, so a test whose ID held one was not found: pytest
exited 4, mutmut's child died with an exception, and the mutant was counted as killed
without a test run (every mutant of ``parameters.validate``, by five IDs of
``tests/zoo/test_validation.py``). This runs mutmut's selection as mutmut does: twice in
one process, and the second session must find every test the first did.
"""
import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

COLLECT_TWICE = """
import json, sys
import pytest

class Names:
    def __init__(self):
        self.ids = []
    def pytest_collection_modifyitems(self, items):
        self.ids = [item.nodeid for item in items]

args = json.loads(sys.argv[1])
first = Names()
assert pytest.main(["-q", "--collect-only", "-p", "no:randomly", *args], plugins=[first]) == 0
second = Names()
code = pytest.main(["-q", "--collect-only", "-p", "no:randomly", *first.ids], plugins=[second])
print(json.dumps({"first": first.ids, "second": second.ids, "code": int(code)}))
"""


def test_every_test_mutmut_selects_is_found_again_by_its_id_in_the_same_process():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    args = [*config["pytest_add_cli_args_test_selection"], *config["pytest_add_cli_args"]]
    done = subprocess.run([sys.executable, "-c", COLLECT_TWICE, json.dumps(args)], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(found["first"]) > 300
    assert found["code"] == 0 and found["second"] == found["first"], [
        name for name in found["first"] if name not in found["second"]]
