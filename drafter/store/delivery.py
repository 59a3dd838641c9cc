"""Mail delivery of outbox messages over SMTP (stdlib :mod:`smtplib`), bounded in time.

:func:`smtp_config` reads the settings: ``DRAFTER_SMTP_HOST``/``PORT``/``TLS``
(``none``, ``starttls``, ``ssl``)/``SENDER``/``USER``/``TIMEOUT`` over the profile's
``[collab.smtp]``; the password comes only from ``DRAFTER_SMTP_PASSWORD`` and is never
logged or shown. Without a host there is no delivery and the app shows the outbox.
Every socket step waits at most ``timeout`` seconds, so a server that hangs is given up.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage

from drafter.errors import InputError
from drafter.profile import Profile

__all__ = ["SmtpConfig", "send_mail", "smtp_config"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to send; ``password`` is excluded from ``repr`` (never logged)."""

    host: str
    port: int
    tls: str
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    max_attempts: int = 5
    backoff_seconds: float = 60.0


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise InputError(f"环境变量 {name} 不是数字：{raw}") from None


def smtp_config(profile: Profile | None = None) -> SmtpConfig | None:
    """The SMTP settings (environment over profile), or ``None`` when no host is set."""
    base = profile.collab.smtp if profile is not None else None
    host = os.environ.get("DRAFTER_SMTP_HOST", "").strip() or (base.host if base else None)
    if not host:
        return None
    tls = os.environ.get("DRAFTER_SMTP_TLS", "").strip() or (base.tls if base else "starttls")
    if tls not in ("none", "starttls", "ssl"):
        raise InputError(f"DRAFTER_SMTP_TLS 取值不对：{tls}", hint="none、starttls 或 ssl")
    sender = os.environ.get("DRAFTER_SMTP_SENDER", "").strip() or (base.sender if base else None)
    if not sender:
        raise InputError("已设置 SMTP 服务器但没有发件人", hint="设置 DRAFTER_SMTP_SENDER")
    return SmtpConfig(
        host=host,
        port=int(_env_number("DRAFTER_SMTP_PORT", base.port if base else 587)),
        tls=tls,
        sender=sender,
        user=os.environ.get("DRAFTER_SMTP_USER", "").strip() or (base.user if base else None),
        password=os.environ.get("DRAFTER_SMTP_PASSWORD") or None,
        timeout=_env_number("DRAFTER_SMTP_TIMEOUT", base.timeout if base else 10.0),
        max_attempts=base.max_attempts if base else 5,
        backoff_seconds=_env_number("DRAFTER_SMTP_BACKOFF", base.backoff_seconds if base else 60.0),
    )


def send_mail(config: SmtpConfig, to: str, subject: str, body: str) -> None:
    """Send one plain-text message; any failure raises (:class:`OSError` or SMTP errors)."""
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    smtp: smtplib.SMTP
    if config.tls == "ssl":
        smtp = smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with smtp:
        if config.tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config.user and config.password:
            smtp.login(config.user, config.password)
        smtp.send_message(msg)
    log.info("mail sent to %s via %s:%s", to, config.host, config.port)
