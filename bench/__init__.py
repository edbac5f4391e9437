"""The load benchmark: ``bench/run.py`` drives a server over HTTP, ``python -m bench.seed``
fills its database. It is not part of the installed package (see bench/README.md)."""
