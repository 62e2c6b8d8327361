"""A PEP 517 build backend for this package, standard library only (PEP 517, 660; wheel format
PEP 427, core metadata 2.1). It exists so that `pip install ./clients/python` works with no
package index: pip's build isolation would otherwise download setuptools first."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = "sidetone"
SUMMARY = "Send telephony events (calls, SMS, modem, SIP, voice AI) to a sidetone sidecar"
REQUIRES_PYTHON = ">=3.9"
TAG = "py3-none-any"
# Zip entries dated 1980-01-01 (the earliest zip date): the same sources give the same wheel.
EPOCH = (1980, 1, 1, 0, 0, 0)


def _version() -> str:
    with open(os.path.join(ROOT, NAME, "__init__.py"), encoding="utf-8") as f:
        found = re.search(r'^__version__ = "([^"]+)"', f.read(), re.M)
    if found is None:
        raise RuntimeError(f"no __version__ in {NAME}/__init__.py")
    return found.group(1)


def _metadata() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return "\n".join(
        [
            "Metadata-Version: 2.1",
            f"Name: {NAME}",
            f"Version: {_version()}",
            f"Summary: {SUMMARY}",
            "License: MIT",
            f"Requires-Python: {REQUIRES_PYTHON}",
            "Classifier: Typing :: Typed",
            "Classifier: License :: OSI Approved :: MIT License",
            "Description-Content-Type: text/markdown",
            "",
            readme,
        ]
    )


def _sources() -> List[str]:
    out = []
    for name in sorted(os.listdir(os.path.join(ROOT, NAME))):
        if name.endswith(".py") or name == "py.typed":
            out.append(f"{NAME}/{name}")
    return out


def _wheel(directory: str, files: List[Tuple[str, bytes]]) -> str:
    version = _version()
    dist_info = f"{NAME}-{version}.dist-info"
    files = files + [
        (f"{dist_info}/METADATA", _metadata().encode("utf-8")),
        (f"{dist_info}/WHEEL", f"Wheel-Version: 1.0\nGenerator: sidetone-backend\nRoot-Is-Purelib: true\nTag: {TAG}\n".encode()),
    ]
    record = []
    for path, data in files:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    files.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode()))
    name = f"{NAME}-{version}-{TAG}.whl"
    with zipfile.ZipFile(os.path.join(directory, name), "w", zipfile.ZIP_DEFLATED) as whl:
        for path, data in files:
            info = zipfile.ZipInfo(path, EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(info, data)
    return name


def _read(path: str) -> bytes:
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def build_wheel(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    return _wheel(wheel_directory, [(p, _read(p)) for p in _sources()])


def build_editable(
    wheel_directory: str,
    config_settings: Optional[Dict[str, Any]] = None,
    metadata_directory: Optional[str] = None,
) -> str:
    # PEP 660: a .pth file that puts this directory on sys.path.
    return _wheel(wheel_directory, [(f"_{NAME}_editable.pth", (ROOT + "\n").encode())])


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    base = f"{NAME}-{_version()}"
    paths = ["pyproject.toml", "README.md", "_build/backend.py"] + _sources()
    name = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        members = [(p, _read(p)) for p in paths] + [("PKG-INFO", _metadata().encode("utf-8"))]
        for path, data in members:
            info = tarfile.TarInfo(f"{base}/{path}")
            info.size = len(data)
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return name
