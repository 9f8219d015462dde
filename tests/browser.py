"""A tiny Chrome DevTools Protocol client: open a local page in Debian's headless Chromium, collect what the page
complained about (console errors and warnings, uncaught exceptions, failed loads), evaluate an expression in it and
take a full-page screenshot.

Chromium listens on a free loopback port (`--remote-debugging-port=0`, written to DevToolsActivePort in its fresh
profile); websocket-client (already a pinned dependency of Jupyter) carries the messages.
"""
from __future__ import annotations

import base64
import itertools
import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import websocket

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1"]
# Guards against a hung browser (not timing assertions): how long to wait for start-up and for each answer.
START_TIMEOUT_S = 60
ANSWER_TIMEOUT_S = 60
WIDTH, HEIGHT = 1200, 900
COMPLAINT_LEVELS = {"error", "warning", "assert"}


class ChromiumMissing(RuntimeError):
    """Debian's chromium is not installed."""


@dataclass
class Visit:
    """What one page visit saw: the complaints, the evaluated value, the screenshot's PNG bytes."""

    complaints: list[str] = field(default_factory=list)
    value: Any = None
    screenshot: bytes = b""


class _Session:
    """Requests and events over one browser websocket; page commands go to the attached target's session."""

    def __init__(self, ws):
        self.ws, self.ids, self.events = ws, itertools.count(1), []

    def call(self, method: str, session: str | None = None, **params) -> dict:
        """Send a command (to the page `session`, else to the browser) and return its result; keep the events."""
        message_id = next(self.ids)
        message = {"id": message_id, "method": method, "params": params}
        self.ws.send(json.dumps(message | ({"sessionId": session} if session else {})))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, event: str, *, since: int = 0) -> dict:
        """The first event named `event` from the `since`-th event on, already seen or still to come."""
        for seen in self.events[since:]:
            if seen.get("method") == event:
                return seen
        while True:
            reply = json.loads(self.ws.recv())
            self.events.append(reply)
            if reply.get("method") == event:
                return reply


def complaints(events: list[dict]) -> list[str]:
    """Console errors and warnings, uncaught exceptions and failed loads among CDP events, in words."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in COMPLAINT_LEVELS:
            found.append(f"console.{params['type']}: " + " ".join(str(a.get("value", a.get("description")))
                                                               for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append(f"uncaught: {details.get('exception', {}).get('description') or details.get('text')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in COMPLAINT_LEVELS:
            entry = params["entry"]
            found.append(f"{entry.get('source')} {entry['level']}: {entry.get('text')} {entry.get('url', '')}".strip())
    return found


def _endpoint(profile: Path, browser: subprocess.Popen) -> str:
    """The browser's websocket address, once Chromium has written it to DevToolsActivePort in its profile."""
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if browser.poll() is not None:
            raise RuntimeError(f"chromium exited with code {browser.returncode} before listening")
        lines = port_file.read_text().split() if port_file.exists() else []
        if len(lines) == 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    raise RuntimeError(f"chromium did not start listening within {START_TIMEOUT_S} s")


def visit(url: str, *, expression: str, profile: Path) -> Visit:
    """Open `url` in a new headless Chromium (fresh `profile` folder), evaluate `expression` once the page has
    loaded, and take a full-page screenshot."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(f"{CHROMIUM} not found: install Debian's chromium (`make chromium` as root, or "
                              "`sudo apt-get install chromium`)")
    profile.mkdir(parents=True, exist_ok=True)
    browser = subprocess.Popen([str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ws = websocket.create_connection(_endpoint(profile, browser), timeout=ANSWER_TIMEOUT_S, suppress_origin=True)
        try:
            cdp = _Session(ws)
            target = cdp.call("Target.createTarget", url="about:blank")["targetId"]
            page = cdp.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log"):
                cdp.call(f"{domain}.enable", page)
            cdp.call("Emulation.setDeviceMetricsOverride", page, width=WIDTH, height=HEIGHT, deviceScaleFactor=1,
                     mobile=False)
            before = len(cdp.events)
            cdp.call("Page.navigate", page, url=url)
            cdp.wait_for("Page.loadEventFired", since=before)
            result = cdp.call("Runtime.evaluate", page, expression=expression, returnByValue=True)
            if "exceptionDetails" in result:
                raise RuntimeError(f"the expression failed: {result['exceptionDetails']}")
            size = cdp.call("Page.getLayoutMetrics", page)["cssContentSize"]
            clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
            shot = cdp.call("Page.captureScreenshot", page, format="png", captureBeyondViewport=True, clip=clip)
            seen = Visit(complaints(cdp.events), result["result"].get("value"), base64.b64decode(shot["data"]))
            cdp.call("Browser.close")
            return seen
        finally:
            ws.close()
    finally:
        if browser.poll() is None:
            browser.terminate()
        try:
            browser.wait(timeout=ANSWER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            browser.kill()
            browser.wait()
