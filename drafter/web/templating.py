"""The page templates: Jinja2 over the package's templates, autoescape always on."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import HTMLResponse

import drafter

__all__ = ["render"]

_ENV = Environment(
    loader=PackageLoader("drafter.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def zone_of(request: Request | None) -> str | None:
    """The office's time zone (the profile's): every page shows its times in it."""
    profile = getattr(getattr(getattr(request, "app", None), "state", None), "profile", None)
    zone = getattr(profile, "timezone", None)
    return str(zone) if zone else None


@pass_context
def _localtime(context: Context, value: str | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``{{ x.created_at | localtime }}``: a stored UTC time in the office's zone."""
    return drafter.local_time(value, zone_of(context.get("request")), fmt)


_ENV.filters["localtime"] = _localtime


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the session (for the menu and the CSRF token)."""
    session = getattr(request.state, "session", None)
    notices = getattr(request.state, "notices", [])  # kept copies the account has not read
    html = _ENV.get_template(template).render(
        request=request, session=session, notices=notices, **context
    )
    return HTMLResponse(html, status_code=status)
