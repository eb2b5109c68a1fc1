"""Measuring a robot on labelled questions (`huida eval`, the evaluate endpoint, bench/matching.py)."""
