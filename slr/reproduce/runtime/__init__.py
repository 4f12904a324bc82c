"""The runtime both kinds of reproduction share (measured runs and training runs).

* :mod:`~slr.reproduce.runtime.device` - which device, how much memory it has and has free;
* :mod:`~slr.reproduce.runtime.building` - the one head model, transformers configs and models
  of the architecture files (meta device or random weights);
* :mod:`~slr.reproduce.runtime.optim` - the one optimizer factory;
* :mod:`~slr.reproduce.runtime.oom` - the one out-of-memory detector, its numbers and advice;
* :mod:`~slr.reproduce.runtime.manifest` - how a result was made (commit, packages, device, seeds).

Results are written through :mod:`slr.atomic` (whole or not at all). Importing this package
imports nothing heavy.
"""
