"""The dialogue policy: decide a reply from the visitor's turn, the session and the robot's knowledge.

Pure Python: no web, no database. `policy.decide` runs the steps of issue #3 in order; each step is a
small function that either decides or passes.
"""
