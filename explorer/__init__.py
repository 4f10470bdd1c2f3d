"""The parameter explorer: sweeps across simulators into pandas tables, on Dask.

    >>> import explorer
    >>> table = explorer.sweep("lif", grid={"i_offset": np.linspace(0, 2, 2000)}, out="lif-sweep")  # doctest: +SKIP
    >>> explorer.compare(table)  # doctest: +SKIP
"""
from .compare import compare, verdicts
from .store import read_sweep, read_tables
from .plots import plot_difference, plot_heatmap, plot_metric, plot_sweep, sweep_figure
from .spikes import plot_psth, plot_raster, psth
from .cluster import local_cluster
from .sweep import INLINE, SweepInterrupted, check_out, summary_line, sweep
from .fitting import FIT_SIMULATOR, FitInterrupted, fit

__all__ = ["fit", "FitInterrupted", "FIT_SIMULATOR", "sweep", "SweepInterrupted", "check_out", "compare", "read_sweep", "read_tables", "verdicts", "summary_line", "INLINE", "local_cluster",
           "plot_metric", "plot_raster", "plot_psth", "psth", "plot_difference", "plot_heatmap", "plot_sweep", "sweep_figure"]
