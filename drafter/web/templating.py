"""The page templates: Jinja2 over the package's templates, autoescape always on."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

__all__ = ["render"]

_ENV = Environment(
    loader=PackageLoader("drafter.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render ``template`` with the session (for the menu and the CSRF token)."""
    session = getattr(request.state, "session", None)
    html = _ENV.get_template(template).render(request=request, session=session, **context)
    return HTMLResponse(html, status_code=status)
