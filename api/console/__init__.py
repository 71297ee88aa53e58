"""The web console's built assets, shipped inside the package, and how the API serves them.

``scripts/build-console`` builds ``web/`` into ``api/console/dist/`` (git-ignored, but
included in the wheel), so an installed ``jobwire api`` serves the console with no Node.js.
"""

from api.console.serve import console_dir, mount_console

__all__ = ["console_dir", "mount_console"]
