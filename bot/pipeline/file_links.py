"""Signed, expiring public links to the files the desk sends back (LINE fetches an image message's picture from a
public HTTPS URL, and a PDF reaches a LINE owner only as a link).

A link is `<base>/f/<file id>/<variant>/<expires>/<signature>`: the signature is HMAC-SHA256 under the server's
`MADOGUCHI_FILE_LINK_SECRET` over the file id, the variant (original | preview) and the expiry (Unix seconds),
base64url without padding. Nothing else is reachable without a login: the route serves exactly that file while the
link is valid, and every fetch (served or refused) is logged (`desk_file_access`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from bot.settings import Settings

PREFIX = "/f"
VARIANTS = ("original", "preview")
MAX_URL = 2000  # LINE: originalContentUrl / previewImageUrl ≤ 2000 characters


class Mode(StrEnum):
    """What LINE send-back can do with the settings given."""

    IMAGE = "image"  # a public HTTPS base: images as LINE image messages, PDFs as links
    LINK = "link"  # a public base without HTTPS: LINE will not fetch images from it, so images go as links too
    OFF = "off"  # no public base (or no key): nothing can be sent back on LINE


@dataclass(frozen=True)
class Links:
    base_url: str
    secret: bytes
    days: int

    @property
    def mode(self) -> Mode:
        return Mode.IMAGE if self.base_url.startswith("https://") else Mode.LINK

    def expiry(self, now: datetime) -> datetime:
        return (now + timedelta(days=self.days)).replace(microsecond=0)

    def sign(self, file_id: int, variant: str, expires: int) -> str:
        digest = hmac.new(self.secret, f"{file_id}.{variant}.{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def url(self, file_id: int, variant: str, expires_at: datetime) -> str:
        expires = int(expires_at.timestamp())
        return (f"{self.base_url.rstrip('/')}{PREFIX}/{file_id}/{variant}/{expires}/"
                f"{self.sign(file_id, variant, expires)}")

    def check(self, file_id: int, variant: str, expires: int, signature: str, now: datetime) -> str:
        """'ok', 'bad_sig' or 'expired' (the signature is compared in constant time, before the expiry)."""
        if variant not in VARIANTS or not hmac.compare_digest(self.sign(file_id, variant, expires), signature):
            return "bad_sig"
        return "ok" if now < datetime.fromtimestamp(expires, UTC) else "expired"


def links(settings: Settings) -> Links | None:
    """The links the settings allow (None: no public base or no key: LINE send-back is off)."""
    if not settings.file_link_base_url or not settings.file_link_secret:
        return None
    return Links(settings.file_link_base_url, settings.file_link_secret.encode(), settings.file_link_days)


def mode(settings: Settings) -> Mode:
    found = links(settings)
    return found.mode if found else Mode.OFF
