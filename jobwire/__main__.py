"""``python -m jobwire``: the ``jobwire`` command, for when the script is not on ``PATH``.

This is the one module outside ``jobwire.cli`` that imports it: it is an entry point, as the
``jobwire`` script is.
"""

from jobwire.cli.main import app

app(prog_name="jobwire")
