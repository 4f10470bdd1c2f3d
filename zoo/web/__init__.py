"""``zoo explore``: the parameter explorer in the browser (HoloViz Panel).

Layers: the page (:mod:`zoo.web.app`) speaks to the zoo only through its public API
(``zoo.registry``, ``zoo.run``, ``explorer``) via :mod:`zoo.web.jobs`, which runs every
simulation off the page's event loop: runs one at a time in one worker thread (a
simulator's PyNN state is global, so two tabs never share a run), sweeps as ``zoo sweep``
processes that a cancel stops with Ctrl-C and a second start resumes.
"""
