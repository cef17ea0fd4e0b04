"""Evaluation protocols: which labels train a predictor and which architectures judge it (NAS-Bench-201
splits, judging without leakage, the cross-space protocols of the universal predictor)."""
