"""The client commands: one module per command group (``submit``, ``listing``, ``watch``,
``control``, ``demo``), mounted together by ``group``; the rest is what they share (options,
exit codes, output, spec flags, the live view)."""
