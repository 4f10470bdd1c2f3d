"""The explorer in reverse: fit a zoo model to recorded data (``explorer.fit``, ``zoo fit``)."""
from .run import FitInterrupted, fit

__all__ = ["fit", "FitInterrupted"]
