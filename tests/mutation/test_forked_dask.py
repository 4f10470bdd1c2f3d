"""mutmut runs each mutant's tests in a process forked from one that ran every test, Dask's
in-process cluster included (tests/explorer/test_cluster.py). Such a process must run Dask
again: the offload pool it inherits has a thread that did not survive the fork, so
``tests/conftest.py`` gives the child a fresh pool."""
import os


def test_a_process_forked_after_dask_ran_gets_a_working_offload_pool():
    from distributed import utils

    assert utils._offload_executor.submit(int, "7").result(timeout=10) == 7  # its thread now runs
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if the pool runs a task within 10 s
        try:
            os._exit(0 if utils._offload_executor.submit(int, "7").result(timeout=10) == 7 else 1)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
