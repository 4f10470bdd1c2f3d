"""One module per canonical model; each defines ``MODEL``, a :class:`zoo.spec.ModelSpec`."""
