"""The newsroom: a web front end over the public :mod:`drafter` API (``drafter serve``).

Like the CLI it imports only ``drafter``; accounts, sessions and every editorial
operation are the library's. Starlette, Jinja2 and argon2 load only when it is used.
"""

from drafter.web.app import create_app

__all__ = ["create_app"]
