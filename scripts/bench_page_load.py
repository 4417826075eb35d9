"""Measure the chat page's first load in Debian's Chromium; write docs/benchmarks/page_load.md.

Starts the scripted stand-in Rasa (tests/browser/fake_rasa.py: Rasa's real
socket.io channel) and ``python -m bot.web`` on free ports, then loads
``/chat`` in a fresh browser context per run (empty cache) and reads the
browser's performance API: bytes transferred (navigation + resources, as
compressed on the wire), DOMContentLoaded, load, "ready" (socket connected and
session confirmed: the ``leerpunt:ready`` mark) and the first bot message.
Two profiles: plain localhost, and a phone-like one (CPU 4x slower, 1.6 Mbit/s,
150 ms latency, via the DevTools protocol).

Usage: .venv/bin/python scripts/bench_page_load.py [--runs 7] [--out docs/benchmarks/page_load.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import FakeRasa, WebServer  # noqa: E402

DRIVER = r"""
const { chromium } = require('playwright-core');
const [url, runs, profile] = [process.argv[1], Number(process.argv[2]), process.argv[3]];
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  const out = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (profile === 'phone') {
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150,
        downloadThroughput: 1.6 * 1024 * 1024 / 8, uploadThroughput: 750 * 1024 / 8 });
    }
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('.lp-msg--bot').first().waitFor({ timeout: 30000 });
    const m = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const ready = performance.getEntriesByName('leerpunt:ready')[0];
      const all = [nav, ...res];
      return {
        transfer: all.reduce((s, e) => s + (e.transferSize || 0), 0),
        encoded: all.reduce((s, e) => s + (e.encodedBodySize || 0), 0),
        decoded: all.reduce((s, e) => s + (e.decodedBodySize || 0), 0),
        requests: all.length,
        dcl: nav.domContentLoadedEventEnd,
        load: nav.loadEventEnd,
        ready: ready ? ready.startTime : null,
        firstBot: performance.now(),
        resources: res.map((e) => [e.name.replace(location.origin, ''), e.transferSize]),
      };
    });
    // firstBot above is when the check ran; take the message's own arrival instead.
    m.firstBot = await page.evaluate(() => window.__lpFirstBot || null) || m.firstBot;
    out.push(m);
    await ctx.close();
  }
  await browser.close();
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""

FIRST_BOT_PROBE = """
new MutationObserver((_, obs) => {
  const root = document.getElementById('leerpunt-chat');
  if (root && root.querySelector('.lp-msg--bot')) { window.__lpFirstBot = performance.now(); obs.disconnect(); }
}).observe(document, { subtree: true, childList: true });
"""


def run_profile(url: str, runs: int, profile: str) -> list[dict]:
    driver = DRIVER.replace(
        "const page = await ctx.newPage();",
        "await ctx.addInitScript(" + json.dumps(FIRST_BOT_PROBE) + ");\n"
        "    const page = await ctx.newPage();",
    )
    proc = subprocess.run(
        ["node", "-e", driver, url, str(runs), profile],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def med(values: list[float | None]) -> str:
    vals = [v for v in values if v is not None]
    return f"{statistics.median(vals):.0f}" if vals else "-"


def rng(values: list[float | None]) -> str:
    vals = [v for v in values if v is not None]
    return f"{min(vals):.0f}–{max(vals):.0f}" if vals else "-"


def chromium_version() -> str:
    try:
        return subprocess.run(
            ["/usr/bin/chromium", "--version"], capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "page_load.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        rasa = FakeRasa(Path(tmp))
        rasa.start()
        web = WebServer(rasa.url, Path(tmp))
        try:
            url = f"{web.url}/chat?regio=twente&bron=linkedin"
            results = {p: run_profile(url, args.runs, p) for p in ("localhost", "phone")}
        finally:
            web.close()
            rasa.stop()

    lines = [
        "# Chat page: first load",
        "",
        f"Measured {dt.date.today().isoformat()} with "
        f"`.venv/bin/python scripts/bench_page_load.py --runs {args.runs}` "
        f"({chromium_version()}, headless; {platform.machine()}, "
        f"Python {platform.python_version()}). Fresh browser context and cache disabled "
        "for every run; page, assets and the socket.io server all on localhost "
        "(the scripted stand-in Rasa from tests/browser/fake_rasa.py, Rasa's real channel).",
        "",
        "Times in ms from navigation start; median and range over the runs. "
        "*Ready* = socket connected and session confirmed (`leerpunt:ready` mark); "
        "*first reply* = first bot message on screen. "
        "*Phone* = CPU 4x slower, 1.6 Mbit/s down, 150 ms latency (DevTools emulation).",
        "",
        "| profile | bytes on the wire | uncompressed | requests | DOMContentLoaded | load | ready | first reply |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for profile, runs in results.items():
        lines.append(
            f"| {profile} | {med([r['transfer'] for r in runs])} "
            f"| {med([r['decoded'] for r in runs])} | {med([r['requests'] for r in runs])} "
            f"| {med([r['dcl'] for r in runs])} ({rng([r['dcl'] for r in runs])}) "
            f"| {med([r['load'] for r in runs])} ({rng([r['load'] for r in runs])}) "
            f"| {med([r['ready'] for r in runs])} ({rng([r['ready'] for r in runs])}) "
            f"| {med([r['firstBot'] for r in runs])} ({rng([r['firstBot'] for r in runs])}) |"
        )
    lines += ["", "Bytes per resource (first localhost run, as transferred):", ""]
    first = results["localhost"][0]
    lines.append("| resource | bytes |")
    lines.append("|---|---|")
    for name, size in first["resources"]:
        lines.append(f"| `{name}` | {size} |")
    lines.append("")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
