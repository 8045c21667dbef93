"""The baseline: a bare echo bot in the official line-bot-sdk fastapi-echo pattern (parse, reply inline, 'OK').

Run by bench/webhook.py as `python bench/echo_bot.py PORT` with LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN
and LINE_API_BASE_URL in the environment.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import AsyncIterator

import uvicorn
from fastapi import FastAPI, HTTPException, Request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import MessageEvent, TextMessageContent

configuration = Configuration(
    access_token=os.environ["LINE_CHANNEL_ACCESS_TOKEN"], host=os.environ["LINE_API_BASE_URL"]
)
parser = WebhookParser(os.environ["LINE_CHANNEL_SECRET"])
api: dict[str, AsyncMessagingApi] = {}


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    client = AsyncApiClient(configuration)
    api["line"] = AsyncMessagingApi(client)
    yield
    await client.close()


app = FastAPI(lifespan=lifespan)


@app.get("/healthz")
async def healthz() -> str:
    return "OK"


@app.post("/callback")
async def handle_callback(request: Request) -> str:
    signature = request.headers["X-Line-Signature"]
    body = (await request.body()).decode()
    try:
        events = parser.parse(body, signature)
    except InvalidSignatureError:
        raise HTTPException(status_code=400, detail="Invalid signature.") from None
    for event in events:
        if not isinstance(event, MessageEvent) or not isinstance(event.message, TextMessageContent):
            continue
        await api["line"].reply_message(
            ReplyMessageRequest(reply_token=event.reply_token, messages=[TextMessage(text=event.message.text)])
        )
    return "OK"


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
