"""Experiments: scripts that tune and calibrate the product on SQuAD train splits (training/splits.py); each
runs the same Assistant.trace that answers users. `python -m eval.experiments.NAME --help`."""
