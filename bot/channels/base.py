"""The one interface every channel implements: render replies into sends, deliver a send, show typing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from dialogs.model import Reply, reply_to_dict

Batch = list[dict[str, Any]]  # one platform call's worth of messages, JSON-serialisable


class Unauthenticated(Exception):
    """A webhook whose signature or secret does not check out: refused, nothing stored."""


class Malformed(Exception):
    """An authenticated webhook whose body is not what the platform sends."""


class Outcome(StrEnum):
    SENT = "sent"  # the platform has it (or had it already: a duplicate retry key)
    RETRY = "retry"  # transient: try again later
    FAILED = "failed"  # permanent: the platform refused it


@dataclass(frozen=True)
class Outgoing:
    """A claimed outbox row, as the sender hands it to a channel."""

    id: int
    channel: str
    recipient: str
    payload: Batch
    retry_key: str
    reply_token: str | None
    use_reply_token: bool  # decided and recorded at claim time: this attempt answers with the reply token
    reply_attempted: bool  # an earlier attempt already tried the token (its outcome unknown)
    attempts: int = 1  # including this one


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    via: str = ""
    error: str = ""
    reply_refused: bool = False  # the platform refused the reply token: never try it again
    status: int | None = None  # the platform's HTTP status when it refused (None: network or unknown)
    maybe_accepted: bool = False  # the request may have reached the platform and been taken (a timeout, a cut
    # connection): only then does a failed reply attempt keep the row marked as possibly answered


@dataclass(frozen=True)
class Profile:
    """Who the platform says a user is: chosen by the user (a display name is not a verified name)."""

    display_name: str
    picture_url: str | None = None


class NoProfile(Exception):
    """The platform has no profile for this user (LINE: not a friend, or blocked). Other errors: try later."""


@runtime_checkable
class ProfileSource(Protocol):
    """A channel that can say who a user is (LINE's profile API)."""

    async def profile(self, user_id: str) -> Profile: ...


@dataclass(frozen=True)
class Attachment:
    """An image or file an owner sent, as the event announces it (its content is fetched separately)."""

    message_id: str
    kind: str  # image | file
    file_name: str = ""
    size: int | None = None  # bytes, when the platform says


class NoFile(Exception):
    """The platform no longer has the content (expired) or never had it."""


@runtime_checkable
class FileSource(Protocol):
    """A channel whose owners' images and files the desk can fetch (LINE's content API)."""

    def attachment(self, raw: dict[str, Any]) -> Attachment | None: ...

    async def fetch_file(self, message_id: str) -> bytes: ...


@dataclass(frozen=True)
class SentFile:
    """A file the desk sends an owner (an image or a PDF), as a channel needs it to build its message: LINE gets
    the signed public links (bot/pipeline/file_links.py), Telegram uploads the bytes (read by id when it sends)."""

    id: int
    kind: str  # image | file
    file_name: str
    caption: str = ""
    url: str | None = None  # the signed link to the file (LINE)
    preview_url: str | None = None  # the signed link to its preview (LINE image messages)
    until: str = ""  # when the link stops working, as the owner reads it (「12月15日」)


@runtime_checkable
class FileSender(Protocol):
    """A channel that can carry a file from the desk (LINE: an image message or a link; Telegram: an upload)."""

    def render_file(self, sent: SentFile) -> list[Batch]: ...


class MenuUnavailable(Exception):
    """The channel has no such menu set up (LINE: run `madoguchi line richmenu sync`): not worth retrying soon."""


@runtime_checkable
class MenuChannel(Protocol):
    """A channel with a menu per conversation state (LINE's rich menus), linked per user."""

    async def show_menu(self, user_id: str, key: str) -> None: ...


class Channel(Protocol):
    name: str
    pull: bool  # True: the client collects its messages itself (web/terminal trial); no sender involved

    def render(self, replies: Sequence[Reply]) -> list[Batch]: ...

    async def deliver(self, message: Outgoing, *, now: datetime) -> Delivery: ...

    async def show_loading(self, user_id: str) -> None: ...

    async def acknowledge(self, raw: dict[str, Any]) -> None:
        """Whatever the platform needs at once for a received event (Telegram: answer a callback query)."""
        ...

    async def aclose(self) -> None: ...


class PullChannel:
    """Trial channels (the /try page, `madoguchi chat`): replies stay in the outbox until the client reads them."""

    pull = True

    def __init__(self, name: str) -> None:
        self.name = name

    def render(self, replies: Sequence[Reply]) -> list[Batch]:
        return [[reply_to_dict(r) for r in replies]] if replies else []

    async def deliver(self, message: Outgoing, *, now: datetime) -> Delivery:
        raise RuntimeError("pull channels are read by their client, not delivered")

    async def show_loading(self, user_id: str) -> None:
        return None

    async def acknowledge(self, raw: dict[str, Any]) -> None:
        return None

    async def aclose(self) -> None:
        return None
