"""Build hook: ships the top-level ``templates/`` folder inside the package as ``docgen/templates``.

Maintainers edit ``templates/`` at the top of the checkout (a source or editable install reads it
there, see ``docgen.render.template_root``); a wheel or a non-editable install carries a copy as
package data, read through ``importlib.resources``. Everything else is in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATES = Path(__file__).resolve().parent / "templates"
SKIPPED = ("__pycache__", "*.pyc", ".~lock.*", "~$*", "*.tmp", ".DS_Store")


class BuildWithTemplates(build_py):
    """``build_py`` that also copies ``templates/`` into the built package (not in editable mode,
    where the checkout's folder is read in place)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False) or self.dry_run:
            return
        if not (TEMPLATES / "state").is_dir():
            raise SystemExit(f"templates folder missing: {TEMPLATES}")
        target = Path(self.build_lib) / "docgen" / "templates"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(TEMPLATES, target, ignore=shutil.ignore_patterns(*SKIPPED))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if getattr(self, "editable_mode", False):
            return outputs
        target = Path(self.build_lib) / "docgen" / "templates"
        outputs.extend(str(path) for path in sorted(target.rglob("*")) if path.is_file())
        return outputs


setup(cmdclass={"build_py": BuildWithTemplates})
