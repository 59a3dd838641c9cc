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
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from drafter.errors import ConflictError, InputError, NotFoundError
from drafter.store._connection import Conn, current_user, lock, utc_now
from drafter.store.database import Store

if TYPE_CHECKING:
    from argon2 import PasswordHasher

__all__ = [
    "MAX_FAILURES",
    "ROLES",
    "SESSION_IDLE",
    "SESSION_TTL",
    "THROTTLE_WINDOW",
    "Account",
    "LoginSession",
    "Role",
    "add_account",
    "authenticate",
    "disable_account",
    "enable_account",
    "end_session",
    "get_account",
    "list_accounts",
    "open_session",
    "session_for",
    "session_limits",
    "set_orgs",
    "set_password",
]

Role = Literal["contributor", "editor", "admin"]
ROLES: tuple[Role, ...] = ("contributor", "editor", "admin")
ROLE_ZH = {"contributor": "报送人", "editor": "编辑", "admin": "管理员"}

MAX_FAILURES = 5
THROTTLE_WINDOW = dt.timedelta(minutes=15)
SESSION_TTL = dt.timedelta(hours=8)
SESSION_IDLE = dt.timedelta(hours=2)
_TOUCH = dt.timedelta(minutes=1)
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


def _account(row: Mapping[Any, Any]) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        role=cast(Role, row["role"]),
        orgs=tuple(json.loads(row["orgs_json"])),
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
    )


def _event(conn: Conn, kind: str, detail: dict[str, object]) -> None:
    conn.execute(
        "INSERT INTO events (report_id, draft_id, kind, detail_json, actor, created_at)"
        " VALUES (NULL, NULL, :kind, :detail, :actor, :at)",
        {
            "kind": kind,
            "detail": json.dumps(detail, ensure_ascii=False),
            "actor": current_user(),
            "at": utc_now(),
        },
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"密码太短：至少 {MIN_PASSWORD} 个字符")


def _clean_orgs(orgs: list[str] | None) -> list[str]:
    return [o.strip() for o in orgs or [] if o.strip()]


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
    clean = _clean_orgs(orgs)
    if role == "contributor" and not clean:
        raise InputError("报送人账号须至少指定一个单位", hint="用 --org 指定，可重复")
    _check_password(password)
    hashed = _hasher().hash(password)
    now = utc_now()
    with store.transaction() as conn:
        lock(conn, "account-names")  # check then insert: no twin account on PostgreSQL
        taken = conn.execute("SELECT 1 AS taken FROM accounts WHERE name = :name", {"name": name})
        if taken.fetchone():
            raise ConflictError(f"账号已存在：{name}")
        conn.execute(
            "INSERT INTO accounts (name, role, orgs_json, password_hash, created_at, updated_at)"
            " VALUES (:name, :role, :orgs, :hash, :at, :at)",
            {
                "name": name,
                "role": role,
                "orgs": json.dumps(clean, ensure_ascii=False),
                "hash": hashed,
                "at": now,
            },
        )
        _event(conn, "account_added", {"account": name, "role": role, "orgs": clean})
    return get_account(store, name)


def get_account(store: Store, name: str) -> Account:
    rows = store._query("SELECT * FROM accounts WHERE name = :name", {"name": name})
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
            "UPDATE accounts SET disabled = 1, updated_at = :at WHERE name = :name",
            {"at": utc_now(), "name": name},
        )
        conn.execute(
            "DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE name = :name)",
            {"name": name},
        )
        _event(conn, "account_disabled", {"account": name})
    return get_account(store, name)


def enable_account(store: Store, name: str) -> Account:
    """Re-enable a disabled account (it logs in again with its current password)."""
    get_account(store, name)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET disabled = 0, updated_at = :at WHERE name = :name",
            {"at": utc_now(), "name": name},
        )
        _event(conn, "account_enabled", {"account": name})
    return get_account(store, name)


def set_orgs(store: Store, name: str, orgs: list[str]) -> Account:
    """Replace a contributor's organizations (at least one; editors see every one)."""
    account = get_account(store, name)
    if account.role != "contributor":
        raise InputError(
            f"只有报送人账号有所属单位：{name} 是{account.role_zh}", hint="编辑和管理员可看全部单位"
        )
    clean = _clean_orgs(orgs)
    if not clean:
        raise InputError("报送人账号须至少指定一个单位", hint="可填多个单位")
    with store.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET orgs_json = :orgs, updated_at = :at WHERE name = :name",
            {"orgs": json.dumps(clean, ensure_ascii=False), "at": utc_now(), "name": name},
        )
        _event(
            conn, "account_orgs_set", {"account": name, "before": list(account.orgs), "orgs": clean}
        )
    return get_account(store, name)


def set_password(store: Store, name: str, password: str) -> None:
    """Set a new password and end the account's sessions."""
    get_account(store, name)
    _check_password(password)
    hashed = _hasher().hash(password)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE accounts SET password_hash = :hash, updated_at = :at WHERE name = :name",
            {"hash": hashed, "at": utc_now(), "name": name},
        )
        conn.execute(
            "DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE name = :name)",
            {"name": name},
        )
        conn.execute("DELETE FROM login_failures WHERE name = :name", {"name": name})
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
        "SELECT COUNT(*) AS n FROM login_failures WHERE name = :name AND created_at >= :since",
        {"name": name, "since": since},
    )[0]["n"]
    if failures >= MAX_FAILURES:
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        raise InputError(f"登录失败次数过多，请 {minutes} 分钟后再试")
    rows = store._query("SELECT * FROM accounts WHERE name = :name", {"name": name})
    ok = False
    if rows and not rows[0]["disabled"]:
        from argon2.exceptions import VerificationError

        try:
            ok = _hasher().verify(rows[0]["password_hash"], password)
        except VerificationError:
            ok = False
    with store.transaction() as conn:
        if ok:
            conn.execute("DELETE FROM login_failures WHERE name = :name", {"name": name})
        else:
            conn.execute(
                "INSERT INTO login_failures (name, created_at) VALUES (:name, :at)",
                {"name": name, "at": utc_now()},
            )
            conn.execute("DELETE FROM login_failures WHERE created_at < :since", {"since": since})
    return _account(rows[0]) if ok else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def open_session(
    store: Store, account: Account, *, ttl: dt.timedelta | None = None
) -> tuple[str, LoginSession]:
    """Start a session: the cookie token (shown once, stored only hashed) and the session.

    ``ttl`` is its absolute lifetime (default :func:`session_limits`); a fresh random
    token every login, so a session id seen before login is worthless after it.
    """
    ttl = ttl if ttl is not None else session_limits()[1]
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    expires = _iso(now + ttl)
    with store.transaction() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < :now", {"now": _iso(now)})
        conn.execute(
            "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, expires_at)"
            " VALUES (:token, :account_id, :csrf, :now, :expires)",
            {
                "token": _token_hash(token),
                "account_id": account.id,
                "csrf": csrf,
                "now": _iso(now),
                "expires": expires,
            },
        )
        _event(conn, "login", {"account": account.name})
    return token, LoginSession(account=account, csrf_token=csrf, expires_at=expires)


def session_limits(
    idle_minutes: float | None = None, max_hours: float | None = None
) -> tuple[dt.timedelta, dt.timedelta]:
    """(idle, absolute) session lifetimes: DRAFTER_SESSION_IDLE_MINUTES and
    DRAFTER_SESSION_MAX_HOURS, else the given (profile) values, else the defaults."""

    def pick(env: str, given: float | None, default: dt.timedelta, unit: str) -> dt.timedelta:
        raw = os.environ.get(env, "").strip()
        try:
            value = float(raw) if raw else given
        except ValueError:
            raise InputError(f"环境变量 {env} 不是数字：{raw}") from None
        return default if value is None else dt.timedelta(**{unit: value})

    return (
        pick("DRAFTER_SESSION_IDLE_MINUTES", idle_minutes, SESSION_IDLE, "minutes"),
        pick("DRAFTER_SESSION_MAX_HOURS", max_hours, SESSION_TTL, "hours"),
    )


def session_for(
    store: Store, token: str, *, idle: dt.timedelta | None = None
) -> LoginSession | None:
    """The live session of a cookie token; ``None`` when unknown, expired, idle too long
    (``idle``, default :func:`session_limits`) or disabled. Use keeps it alive."""
    if not token:
        return None
    rows = store._query(
        "SELECT s.csrf_token, s.expires_at, s.created_at AS s_created, s.last_seen, a.*"
        " FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = :token",
        {"token": _token_hash(token)},
    )
    if not rows:
        return None
    row = rows[0]
    now = _now()
    seen = row["last_seen"] or row["s_created"]
    idle = idle if idle is not None else session_limits()[0]
    if row["disabled"] or row["expires_at"] <= _iso(now) or seen < _iso(now - idle):
        return None
    if seen < _iso(now - _TOUCH):  # at most one write a minute per session
        with store.transaction() as conn:
            conn.execute(
                "UPDATE sessions SET last_seen = :now WHERE token_hash = :t",
                {"now": _iso(now), "t": _token_hash(token)},
            )
    return LoginSession(
        account=_account(row), csrf_token=row["csrf_token"], expires_at=row["expires_at"]
    )


def end_session(store: Store, token: str) -> None:
    """Log out: forget the session."""
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM sessions WHERE token_hash = :token", {"token": _token_hash(token)}
        )
        _event(conn, "logout", {})
