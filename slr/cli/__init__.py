"""The ``slr`` command line. Commands import their heavy dependencies inside their bodies."""
