# Packaging lives in pyproject.toml (flit, as `bench new-app` writes it for v15).
# This shim keeps `pip install -e .` and older tooling working.
from setuptools import find_packages, setup

from gigafibre_dispatch import __version__

setup(
	name="gigafibre_dispatch",
	version=__version__,
	packages=find_packages(exclude=["tests", "tests.*", "benchmarks"]),
	include_package_data=True,
	zip_safe=False,
)
