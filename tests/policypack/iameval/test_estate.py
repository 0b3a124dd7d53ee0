"""The estate's shape: what it refuses (a principal filed under another account) and how reports name things."""

from __future__ import annotations

import pytest

from policypack.iameval.estate import AccountEstate, BucketEstate, Estate, Principal, RoleEstate, arn_account

DEV, PROD = "111111111111", "999999999999"


def test_a_principal_filed_under_another_account_is_refused() -> None:
    david = Principal(f"arn:aws:iam::{DEV}:user/David")
    with pytest.raises(ValueError, match=f"account {PROD} holds 'arn:aws:iam::{DEV}:user/David'"):
        AccountEstate(PROD, users={"David": david})


def test_an_account_filed_under_another_id_is_refused() -> None:
    with pytest.raises(ValueError, match="'222222222222' is not the ID"):
        Estate({"222222222222": AccountEstate(DEV)})


def test_labels_name_groups_and_accounts() -> None:
    david = Principal(f"arn:aws:iam::{DEV}:user/team/David", groups=("Developers", "Readers"))
    role = RoleEstate(f"arn:aws:iam::{PROD}:role/apps/UpdateApp", "UpdateApp", None)
    bucket = BucketEstate("productionapp", PROD)
    estate = Estate({DEV: AccountEstate(DEV, "development", users={"David": david}),
                     PROD: AccountEstate(PROD, roles={"UpdateApp": role}, buckets={"productionapp": bucket})})
    assert (david.name, david.account, david.label) == ("David", DEV, "David (Developers, Readers)")
    assert (role.account, estate.label(DEV), estate.label(PROD)) == (PROD, f"development ({DEV})", PROD)
    assert estate.bucket("productionapp") is bucket and estate.bucket("other") is None
    assert [u.name for u in estate.users()] == ["David"] and [r.name for r in estate.roles()] == ["UpdateApp"]
    assert bucket.arn == "arn:aws:s3:::productionapp"


def test_arn_account_of_arns_without_one() -> None:
    assert (arn_account("arn:aws:s3:::productionapp"), arn_account("*")) == ("", "")
