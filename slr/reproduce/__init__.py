"""Reproductions: check the reviewed papers' efficiency claims.

* :mod:`slr.reproduce.architectures` - base-model architectures as data (``reproductions/models/``),
  built with transformers on the meta device (no weights, no download) or with random weights;
* :mod:`slr.reproduce.methods` - the PEFT method registry (one small typed config per method,
  registered by its canonical taxonomy name) and :func:`~slr.reproduce.methods.apply_method`;
* :mod:`slr.reproduce.counting` - exact total/trainable parameter counts;
* :mod:`slr.reproduce.memory` - the analytical peak-memory and FLOPs model;
* :mod:`slr.reproduce.runner` - run specs (``reproductions/specs/``), resumable measured runs;
* :mod:`slr.reproduce.claims` and :mod:`slr.reproduce.verdicts` - claims as data, verdicts.

Heavy libraries (torch, transformers, peft) are imported inside functions only, so importing this
package (and the claims/verdict tables) stays cheap.
"""
