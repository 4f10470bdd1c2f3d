"""The Fits tab's tables (``zoo.web.fits``), without a browser (the page itself: test_app.py)."""
import pandas as pd

from zoo.web.fits import score_table


def test_the_fits_tab_reads_the_scores_of_a_fit_stored_before_f1_and_rates_were_reported():
    """A scores.parquet of the first fits (Γ only) gives a table of Γ/Γ_int per simulator."""
    old = pd.DataFrame({"simulator": ["nest", "brian2"] * 2, "set": ["05", "05", "11", "11"],
                        "role": ["holdout"] * 4, "gamma": [0.3, 0.31, 0.6, 0.61], "gamma_int": [0.85, 0.85, 0.92, 0.92],
                        "gamma_over_gamma_int": [0.35, 0.36, 0.65, 0.66]})
    table = score_table(old).set_index("set")
    assert list(table.columns) == ["role", "gamma_int", "gamma_over_gamma_int brian2", "gamma_over_gamma_int nest"]
    assert table.loc["11", "gamma_over_gamma_int nest"] == 0.65
