"""Newsroom accounts, login sessions and login throttling, kept in the editorial store.

Passwords are stored as argon2 hashes; a session is a random token of which only the
SHA-256 is stored, with its CSRF token and expiry. Failed logins are recorded per name;
after :data:`MAX_FAILURES` within :data:`THROTTLE_WINDOW` the name is refused until the
window passes, whatever password is given. Every change is an event with its actor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

from drafter.errors import ConflictError, InputError, NotFoundError
from drafter.store._connection import current_user, utc_now
from drafter.store.database import Store

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "MAX_FAILURES",
    "ROLES",
    "SESSION_TTL",
    "THROTTLE_WINDOW",
    "Account",
    "LoginSession",
    "Role",
    "add_account",
    "authenticate",
    "disable_account",
    "end_session",
    "get_account",
    "list_accounts",
    "open_session",
    "session_for",
    "set_password",
]

Role = Literal["contributor", "editor", "admin"]
ROLES: tuple[Role, ...] = ("contributor", "editor", "admin")
ROLE_ZH = {"contributor": "报送人", "editor": "编辑", "admin": "管理员"}

MAX_FAILURES = 5
THROTTLE_WINDOW = dt.timedelta(minutes=15)
SESSION_TTL = dt.timedelta(hours=8)
MIN_PASSWORD = 8
_NAME_RE = re.compile(r"^[\w.@-]{1,64}$")


@dataclass(frozen=True)
class Account:
    """One person's account: a role and, for a contributor, their organizations."""

    id: int
    name: str
    role: Role
    orgs: tuple[str, ...]
    disabled: bool
    created_at: str

    @property
    def role_zh(self) -> str:
        return ROLE_ZH[self.role]

    @property
    def is_editor(self) -> bool:
        return self.role in ("editor", "admin")

    def may_see(self, org: str | None, org_short: str | None) -> bool:
        """Editors see every submission; a contributor only their organizations'."""
        return self.is_editor or bool({org, org_short} & set(self.orgs))


@dataclass(frozen=True)
class LoginSession:
    """A logged-in session: its account, CSRF token and expiry (UTC ISO)."""

    account: Account
    csrf_token: str
    expires_at: str


def _hasher() -> PasswordHasher:
    # Imported here: argon2 is needed only by the newsroom, never by `drafter lint`.
    from argon2 import PasswordHasher

    return PasswordHasher()


def _account(row: sqlite3.Row) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        role=cast(Role, row["role"]),
        orgs=tuple(json.loads(row["orgs_json"])),
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
    )


def _event(conn: sqlite3.Connection, kind: str, detail: dict[str, object]) -> None:
    conn.execute(
        "INSERT INTO events (report_id, draft_id, kind, detail_json, actor, created_at)"
        " VALUES (NULL, NULL, ?, ?, ?, ?)",
        (kind, json.dumps(detail, ensure_ascii=False), current_user(), utc_now()),
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"密码太短：至少 {MIN_PASSWORD} 个字符")


def add_account(
    store: Store, name: str, password: str, *, role: str, orgs: list[str] | None = None
) -> Account:
    """Create an account; a contributor must hold at least one organization."""
    if not _NAME_RE.match(name):
        raise InputError(
            f"账号名不合规：{name!r}", hint="用字母、数字、下划线、点、@ 或 -，最长 64 个字符"
        )
    if role not in ROLES:
        raise InputError(f"未知角色：{role}", hint="角色为 contributor、editor 或 admin")
    clean = [o.strip() for o in orgs or [] if o.strip()]
    if role == "contributor" and not clean:
        raise InputError("报送人账号须至少指定一个单位", hint="用 --org 指定，可重复")
    _check_password(password)
    hashed = _hasher().hash(password)
    now = utc_now()
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
            raise ConflictError(f"账号已存在：{name}")
        conn.execute(
            "INSERT INTO accounts (name, role, orgs_json, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, role, json.dumps(clean, ensure_ascii=False), hashed, now, now),
        )
        _event(conn, "account_added", {"account": name, "role": role, "orgs": clean})
    return get_account(store, name)


def get_account(store: Store, name: str) -> Account:
    rows = store._query("SELECT * FROM accounts WHERE name = ?", (name,))
    if not rows:
        raise NotFoundError(f"没有账号：{name}", hint="用 drafter user list 查看账号")
    return _account(rows[0])


def list_accounts(store: Store) -> list[Account]:
    return [_account(r) for r in store._query("SELECT * FROM accounts ORDER BY name")]


def disable_account(store: Store, name: str) -> Account:
    """Disable an account and end its sessions (its history stays)."""
    get_account(store, name)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET disabled = 1, updated_at = ? WHERE name = ?", (utc_now(), name)
        )
        conn.execute(
            "DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE name = ?)",
            (name,),
        )
        _event(conn, "account_disabled", {"account": name})
    return get_account(store, name)


def set_password(store: Store, name: str, password: str) -> None:
    """Set a new password and end the account's sessions."""
    get_account(store, name)
    _check_password(password)
    hashed = _hasher().hash(password)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE name = ?",
            (hashed, utc_now(), name),
        )
        conn.execute(
            "DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE name = ?)",
            (name,),
        )
        conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        _event(conn, "password_set", {"account": name})


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime) -> str:
    return t.isoformat(timespec="seconds")


def authenticate(store: Store, name: str, password: str) -> Account | None:
    """The account if ``password`` is right and the name is not throttled, else ``None``.

    Raises :class:`InputError` (with the wait) once a name has too many recent failures,
    so a guesser learns nothing more about the password.
    """
    since = _iso(_now() - THROTTLE_WINDOW)
    failures = store._query(
        "SELECT COUNT(*) AS n FROM login_failures WHERE name = ? AND created_at >= ?",
        (name, since),
    )[0]["n"]
    if failures >= MAX_FAILURES:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise InputError(f"登录失败次数过多，请 {minutes} 分钟后再试")
    rows = store._query("SELECT * FROM accounts WHERE name = ?", (name,))
    ok = False
    if rows and not rows[0]["disabled"]:
        from argon2.exceptions import VerificationError

        try:
            ok = _hasher().verify(rows[0]["password_hash"], password)
        except VerificationError:
            ok = False
    with store.transaction() as conn:
        if ok:
            conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        else:
            conn.execute(
                "INSERT INTO login_failures (name, created_at) VALUES (?, ?)", (name, utc_now())
            )
            conn.execute("DELETE FROM login_failures WHERE created_at < ?", (since,))
    return _account(rows[0]) if ok else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def open_session(
    store: Store, account: Account, *, ttl: dt.timedelta = SESSION_TTL
) -> tuple[str, LoginSession]:
    """Start a session: the cookie token (shown once, stored only hashed) and the session."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    expires = _iso(now + ttl)
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (_iso(now),))
        conn.execute(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (_token_hash(token), account.id, csrf, _iso(now), expires),
        )
        _event(conn, "login", {"account": account.name})
    return token, LoginSession(account=account, csrf_token=csrf, expires_at=expires)


def session_for(store: Store, token: str) -> LoginSession | None:
    """The live session of a cookie token; ``None`` when unknown, expired or disabled."""
    if not token:
        return None
    rows = store._query(
        "SELECT s.csrf_token, s.expires_at, a.* FROM sessions s"
        " JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = ?",
        (_token_hash(token),),
    )
    if not rows:
        return None
    row = rows[0]
    if row["disabled"] or row["expires_at"] <= _iso(_now()):
        return None
    return LoginSession(
        account=_account(row), csrf_token=row["csrf_token"], expires_at=row["expires_at"]
    )


def end_session(store: Store, token: str) -> None:
    """Log out: forget the session."""
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))
        _event(conn, "logout", {})
