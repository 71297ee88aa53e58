"""Activities: all of a job's I/O; each job type registers its input model and phases here.

Importing this package registers the built-in job types (``research``, ``trade``,
``analysis``); each lives in its own subpackage with its input model, its phases and its
registration line.
"""

import activities.analysis
import activities.research
import activities.trade  # noqa: F401
