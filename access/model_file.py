"""Where the model file may be: inside the project directory, or in the one directory the operator allows.

`cross-account-access:model` comes from a stack file, which anyone can change in a pull request that CI then
previews. Read anywhere, it would show `/etc/passwd` or a `.env` holding keys in the error, eat memory on
`/dev/zero` or hang on `/dev/stdin`. So the path, symlinks resolved, must lie inside the project; the file
itself must be a regular file of at most `MAX_MODEL_BYTES` (`access.yaml_source`). A model kept elsewhere is
allowed by the environment, which a pull request does not set: `CROSS_ACCOUNT_ACCESS_MODEL_DIR=<directory>`.
"""

from __future__ import annotations

import os
from pathlib import Path

MODEL_DIR_ENV = "CROSS_ACCOUNT_ACCESS_MODEL_DIR"
MAX_MODEL_BYTES = 1024 * 1024  # the tutorial's model is 1.2 KB; 1000 trust relationships take 11 KB


class ModelLocationError(ValueError):
    """A model path outside the allowed directories; the message says how to allow another."""


def allowed_directories(project_dir: Path) -> tuple[Path, ...]:
    """The project directory, and the operator's extra directory if the environment names one."""
    extra = os.environ.get(MODEL_DIR_ENV, "")
    return tuple(Path(d).resolve() for d in (project_dir, extra) if d)


def locate_model(value: str, project_dir: Path) -> Path:
    """The model file's path (relative to the project directory), symlinks resolved, if it may be read."""
    if "\0" in value:
        raise ModelLocationError("is not a usable path (it contains a NUL character)")
    try:
        path = (project_dir / value).resolve()
    except OSError as error:
        raise ModelLocationError(f"cannot be resolved ({error.strerror})") from None
    except RuntimeError:  # Python 3.11's Path.resolve on a symlink loop
        raise ModelLocationError("cannot be resolved (a symlink loop)") from None
    if not any(path.is_relative_to(directory) for directory in allowed_directories(project_dir)):
        raise ModelLocationError(
            "is outside the project directory (symlinks resolved): keep the model in the project, or name the "
            f"directory that holds it in the {MODEL_DIR_ENV} environment variable")
    return path
