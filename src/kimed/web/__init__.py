"""The Portal's web app: server-rendered pages (Jinja2 + htmx), a JSON API and DCAT endpoints.

``create_app()`` in :mod:`kimed.web.app` builds it; nothing is created at import. See docs/web.md and
docs/api.md.
"""
