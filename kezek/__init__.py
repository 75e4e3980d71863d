"""Kezek: the lobby kiosk and queue of a public-service office."""

from kezek.web_bounds import install as _install_bounds

_install_bounds()  # every {x:int} in a route is bounded (before any route is built)
