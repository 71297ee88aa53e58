"""The README stays true: every setting (the kernel's and each job type's) documented, CI
running its test command."""

from __future__ import annotations

from pathlib import Path

from jobwire.contract.job_settings import env_name
from jobwire.contract.registry import job_types
from jobwire.settings import Settings

ROOT = Path(__file__).resolve().parents[3]


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [
        f"JOBWIRE_{name.upper()}"
        for name in Settings.model_fields
        if f"| `JOBWIRE_{name.upper()}` |" not in readme
    ]
    assert not missing, f"add to README (scripts/settings-table prints the rows): {missing}"


def test_readme_documents_every_setting_of_every_job_type() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [
        env_name(definition.name, name)
        for definition in job_types.definitions()
        if definition.settings_model is not None
        for name in definition.settings_model.model_fields
        if f"`{env_name(definition.name, name)}`" not in readme
    ]
    assert not missing, f"add to README's job type settings tables: {missing}"


def test_ci_runs_the_readme_test_command() -> None:
    ci_lines = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith(("#", "set ", "cd "))
    ]
    assert ci_lines == ["make test"]
    assert "make test " in (ROOT / "README.md").read_text()
