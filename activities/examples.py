"""Where the built-in job types' example specs are kept, once each.

They live in ``examples/`` at the repository's top, where users find them; the wheel ships
that folder as ``activities/examples/`` (``force-include`` in pyproject.toml), so an
installed worker or API reads the same files.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def example_path(file_name: str) -> Path:
    """The example file, in the installed package if it was shipped there, else in the
    repository checkout this package runs from (an editable install, the tests)."""
    shipped = HERE / "examples" / file_name
    return shipped if shipped.exists() else HERE.parent / "examples" / file_name
