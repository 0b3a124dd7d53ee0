"""The project is Apache-2.0 (the Pulumi ecosystem's norm), and nothing it ships to `pulumi up` or to the
policy pack is under a copyleft licence that would bind its users: AGPL code (principalmapper) stays a test oracle."""

from __future__ import annotations

from importlib import metadata

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import PROJECT_DIR

# What `pulumi up` installs (requirements.txt) and what `pulumi policy publish` ships (policypack/requirements.txt).
RUNTIME_REQUIREMENTS = ("requirements.txt", "policypack/requirements.txt")
COPYLEFT = ("AGPL", "AFFERO", "GNU GENERAL PUBLIC")


def top_level(path: str) -> list[str]:
    """The distributions a requirements file pins (comments, blank lines and `-r` includes skipped)."""
    lines = (line.split("#", 1)[0].strip() for line in (PROJECT_DIR / path).read_text().splitlines())
    return [Requirement(line).name for line in lines if line and not line.startswith("-")]


def closure(names: list[str]) -> set[str]:
    """Every installed distribution `names` pull in, following requirements whose markers hold without extras."""
    environment = {**default_environment(), "extra": ""}
    seen: set[str] = set()
    pending = list(names)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(environment):
                pending.append(requirement.name)
    return seen


def licence(name: str) -> str:
    """Everything a distribution's metadata says about its licence, upper-cased for matching."""
    meta = metadata.metadata(name)
    parts = [meta.get("License-Expression") or "", meta.get("License") or ""]
    parts += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return " ".join(parts).upper()


def is_copyleft(name: str) -> bool:
    return any(marker in licence(name) for marker in COPYLEFT)


def test_license_is_the_full_apache_2_text() -> None:
    text = (PROJECT_DIR / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License\n                           Version 2.0, January 2004")
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "9. Accepting Warranty or Additional Liability." in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_copyleft_check_recognises_principalmapper() -> None:
    assert is_copyleft("principalmapper")
    assert not is_copyleft("pulumi")


def test_no_copyleft_dependency_on_the_runtime_path() -> None:
    runtime = closure([name for path in RUNTIME_REQUIREMENTS for name in top_level(path)])
    assert {"pulumi", "pulumi-aws", "pulumi-policy"} <= runtime
    assert "principalmapper" not in runtime
    assert sorted(name for name in runtime if is_copyleft(name)) == []
