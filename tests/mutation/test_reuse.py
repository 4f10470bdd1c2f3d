"""``make mutate`` does not run again an equivalent mutant whose function is unchanged since
it last survived (mutation/run.py): what it records must be what mutmut reads as a result
that stands, and only for those mutants."""
import json
import os

from mutmut.mutation.data import SourceFileMutationData

from mutation import run

SOURCE = "def f(x):\n    return x + 1\n\n\ndef g(x):\n    return x * 2\n"


def test_only_equivalent_mutants_of_unchanged_functions_are_recorded_as_survived(tmp_path, monkeypatch):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(SOURCE)
    hashes = run.function_hashes(SOURCE)
    assert set(hashes) == {"x_f", "x_g"}
    labels = {name: {"kind": "equivalent"} for name in ("pkg.m.x_f__mutmut_1", "pkg.m.x_g__mutmut_2",
                                                        "other.m.x_f__mutmut_1")}
    labels["pkg.m.x_f__mutmut_3"] = {"kind": "untested"}
    seen = {"pkg.m.x_f__mutmut_1": hashes["x_f"],  # equivalent, unchanged: recorded
            "pkg.m.x_g__mutmut_2": "0" * 12,  # its function changed since
            "pkg.m.x_f__mutmut_3": hashes["x_f"],  # not equivalent
            "pkg.m.x_f__mutmut_4": hashes["x_f"],  # no longer labelled
            "other.m.x_f__mutmut_1": hashes["x_f"]}  # another module
    assert run.prefill_unchanged_equivalents(tmp_path, ["pkg/m.py"], labels, seen) == 1
    monkeypatch.chdir(tmp_path)  # mutmut reads mutants/<module>.meta from the working folder
    data = SourceFileMutationData(path="pkg/m.py")
    data.load()
    assert data.exit_code_by_key == {"pkg.m.x_f__mutmut_1": 0} and data.hash_by_function_name == {"x_f": hashes["x_f"]}
    assert os.listdir(tmp_path / "mutants") == ["pkg"]


def test_what_a_run_records_is_each_matched_equivalent_survivor_with_its_functions_hash_now(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text(SOURCE)
    found = {"pkg/m.py": {"pkg.m.x_g__mutmut_2": "survived", "pkg.m.x_f__mutmut_1": "survived",
                          "pkg.m.x_f__mutmut_2": "killed"}}
    seen = run.seen_equivalent(tmp_path, found, ["pkg.m.x_g__mutmut_2", "pkg.m.x_f__mutmut_1"])
    hashes = run.function_hashes(SOURCE)
    assert seen == {"pkg.m.x_f__mutmut_1": hashes["x_f"], "pkg.m.x_g__mutmut_2": hashes["x_g"]}
    assert json.loads(json.dumps(seen)) == seen
