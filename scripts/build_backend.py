"""The build backend (pyproject.toml ``[build-system]``): setuptools, with the pinned
front-end assets put into ``kezek/static/vendor`` first, so the sdist and the wheel carry
them and installing either needs no Node (``make dist``)."""

from __future__ import annotations

from typing import Any

import vendor
from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403  (every hook setuptools offers)


def build_sdist(sdist_directory: str, config_settings: dict[str, Any] | None = None) -> str:
    vendor.ensure()
    return build_meta.build_sdist(sdist_directory, config_settings)


def build_wheel(
    wheel_directory: str,
    config_settings: dict[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    vendor.ensure()
    return build_meta.build_wheel(wheel_directory, config_settings, metadata_directory)
