"""Mutation testing of the zoo's bookkeeping and judging code (``make mutate``)."""
