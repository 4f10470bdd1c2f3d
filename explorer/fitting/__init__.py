"""The explorer in reverse: fit a zoo model to recorded data (``explorer.fit``, ``zoo fit``)."""
from .run import DEFAULT_SIMULATOR as FIT_SIMULATOR, FitInterrupted, fit

__all__ = ["fit", "FitInterrupted", "FIT_SIMULATOR"]
