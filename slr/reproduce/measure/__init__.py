"""Measured runs (``kind: measure``): peak memory and step time of a few training steps.

* :mod:`~slr.reproduce.measure.runner` - plan and run specs, each in a fresh process;
* :mod:`~slr.reproduce.measure.worker` - the process that builds, applies, trains and measures;
* :mod:`~slr.reproduce.measure.loop` - the timed steps and the memory peaks.
"""
