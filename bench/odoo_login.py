"""Logging in to Odoo as the web client does, for `make load`'s simulated users (Locust's session) and its
single-user reference (a requests session): the login page's CSRF token, the form posted, the session's info."""

import re

CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def log_in(session, login, url="", step_options=lambda step: {}):
    """Log ``session`` in as ``login`` (the password is the login, as bench/load_check.py prepares the users) on the
    server ``url`` (empty when the session knows its host); ``step_options(step)`` gives each request's extra
    arguments (Locust's ``name``, requests' ``timeout``). Returns the user's current company id."""
    page = session.get(f"{url}/web/login", **step_options("login page"))
    token = CSRF_TOKEN.search(page.text).group(1)
    session.post(
        f"{url}/web/login",
        data={"login": login, "password": login, "csrf_token": token, "redirect": "/odoo"},
        **step_options("login"),
    )
    info = session.post(f"{url}/web/session/get_session_info", json={}, **step_options("session info")).json()
    return info["result"]["user_companies"]["current_company"]
