"""Pair features and the learned supplier scorer: plain Python/numpy, free of Flask and the driver."""
