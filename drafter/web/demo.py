"""``drafter serve --demo``: a throwaway store with the sample reports and one account per role."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import drafter

__all__ = ["DemoAccount", "seed_demo"]


@dataclass(frozen=True)
class DemoAccount:
    name: str
    password: str
    role: str
    orgs: tuple[str, ...]


def seed_demo(db: Path, profile: drafter.Profile) -> list[DemoAccount]:
    """Submit every sample report (offline engine) and add a contributor, editor and admin.

    The contributor holds the societies among the samples, so their pages are not empty.
    """
    samples = resources.files("drafter.samples") / "reports"
    orgs: list[str] = []
    with drafter.Store(db) as store, drafter.acting_as("demo"):
        for entry in sorted(samples.iterdir(), key=lambda e: e.name):
            if not entry.name.endswith((".txt", ".md", ".docx")):
                continue
            with resources.as_file(entry) as path:
                result = drafter.submit(store, path, profile=profile, model="offline")
            org = result.draft.org
            # The demo contributor speaks for the societies (学会), as in the bulletin.
            if org and org not in orgs and result.draft.kind == "society":
                orgs.append(org)
        accounts = [
            DemoAccount("baosong", secrets.token_urlsafe(9), "contributor", tuple(orgs[:3])),
            DemoAccount("bianji", secrets.token_urlsafe(9), "editor", ()),
            DemoAccount("guanli", secrets.token_urlsafe(9), "admin", ()),
        ]
        for a in accounts:
            drafter.add_account(store, a.name, a.password, role=a.role, orgs=list(a.orgs))
    return accounts
