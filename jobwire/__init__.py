"""jobwire: durable long-running jobs on Temporal, watched live over Socket.IO.

This package holds what every component shares: the settings, the job contract and the
``jobwire`` command. The components themselves live beside it in ``workflows/``,
``activities/``, ``api/`` and ``realtime/``.
"""

__version__ = "0.1.0"
