"""(e) Scan to song: when a phone on weak wifi first paints the now-playing title.

Chromium (Debian's /usr/bin/chromium, driven by Playwright) opens the stage, event and set
pages with DevTools' network emulation (`Network.emulateNetworkConditions`: latency added
to every request, download and upload throughput capped) and a slowed CPU
(`Emulation.setCPUThrottlingRate`). Each run is a fresh browser context:

- *cold*: an empty cache, no service worker — a first scan;
- *warm*: the same page opened once before in that context (its service worker installed
  and its precache filled), then opened again — a second scan.

What is reported per run: the moment the now-playing title is painted (Element Timing on
the title, `elementtiming="now-playing"`; First Contentful Paint when a page has no such
element), FCP, when the page and its last stylesheet had arrived, how many requests were
render-blocking, the cumulative layout shift until the network was idle (a
PerformanceObserver for `layout-shift`: the full stylesheet arriving after the first paint
must move nothing), and the bytes and requests that crossed the network until it was idle
for half a second (WebSocket frames not counted), from DevTools' Network events.

`--paint-against DIR` serves another checkout beside this one (same data) and alternates
them run by run, so a before/after comparison meets the same moments of a shared machine.
"""

import os
import statistics
import time

CHROMIUM = "/usr/bin/chromium"
PROFILES = {
    # A crowded venue's wifi: 400 ms round trip, 50 kB/s, a slow phone.
    "venue": {"latency": 400, "throughput": 50_000, "cpu": 4},
    # DevTools' "3G"-like profile: 100 ms, 1.6 Mbit/s.
    "3g": {"latency": 100, "throughput": 1_600_000 / 8, "cpu": 4},
}
TARGETS_S = {"venue": 1.0, "3g": 0.5}
TARGET_COLD_KB = 40.0
PHONE = {"width": 390, "height": 844}

PAINT_JS = """() => new Promise(resolve => {
  const paint = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
  const page = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const blocking = resources.filter(e => e.renderBlockingStatus === 'blocking');
  const sheets = resources.filter(e => e.initiatorType === 'link' && /\\.css(\\?|$)/.test(e.name));
  let shift = 0;
  // Cumulative layout shift so far (buffered entries arrive in the first callback).
  new PerformanceObserver(list => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) shift += e.value;
  }).observe({type: 'layout-shift', buffered: true});
  const done = element => setTimeout(() => resolve({fcp: paint ? paint.startTime : null, element,
    html_end: page ? page.responseEnd : null, blocking: blocking.length, cls: shift,
    css_end: sheets.length ? Math.max(...sheets.map(e => e.responseEnd)) : null}), 100);
  // The first time a now-playing title was painted (a later push paints a new one).
  new PerformanceObserver(list => {
    const times = list.getEntries().filter(e => e.identifier === 'now-playing')
      .map(e => e.renderTime || e.loadTime).filter(t => t > 0);
    done(times.length ? Math.min(...times) : null);
  }).observe({type: 'element', buffered: true});
  setTimeout(() => done(null), 5000);
})"""


class NetworkLog:
    """Bytes and requests from DevTools' Network domain (what crossed the emulated wire)."""

    def __init__(self, cdp):
        self.requests = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)

    def reset(self):
        self.requests = {}

    def _sent(self, event):
        self.requests.setdefault(event["requestId"], {"url": event["request"]["url"], "bytes": 0, "cached": False})

    def _response(self, event):
        entry = self.requests.setdefault(event["requestId"], {"url": event["response"]["url"], "bytes": 0})
        response = event["response"]
        entry["cached"] = bool(response.get("fromDiskCache") or response.get("fromServiceWorker")
                               or response.get("fromPrefetchCache"))
        entry["type"] = event.get("type")

    def _finished(self, event):
        entry = self.requests.get(event["requestId"])
        if entry is not None:
            entry["bytes"] = event.get("encodedDataLength", 0)

    def over_network(self):
        return [r for r in self.requests.values() if not r.get("cached") and r["bytes"] > 0]


def _emulate(cdp, profile):
    settings = PROFILES[profile]
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": settings["latency"],
        "downloadThroughput": settings["throughput"], "uploadThroughput": settings["throughput"],
    })
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": settings["cpu"]})


def measure_once(browser, url, profile, warm):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        _emulate(cdp, profile)
        log = NetworkLog(cdp)
        if warm:
            page.goto(url, wait_until="networkidle")
            # The service worker installs and precaches after the first visit's load.
            # (At most 5 s: a page without a service worker never becomes "ready".)
            page.evaluate("""() => Promise.race([new Promise(done => setTimeout(done, 5000)), navigator.serviceWorker
                ? navigator.serviceWorker.ready.then(r => new Promise(done => {
                    const worker = r.active; if (!worker || worker.state === 'activated') return done();
                    worker.addEventListener('statechange', () => worker.state === 'activated' && done());
                  })).then(() => caches.keys()).then(keys => Promise.all(keys.map(k => caches.open(k)
                    .then(c => c.keys()))))
                : null])""")
            page.wait_for_timeout(300)
            # A fresh page, as a second scan of the QR code opens (no back-forward cache).
            page.close()
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            _emulate(cdp, profile)
            log = NetworkLog(cdp)
        log.reset()
        # Until nothing more is fetched (the scripts come after the first paint).
        page.goto(url, wait_until="networkidle")
        paint = page.evaluate(PAINT_JS)
        over = log.over_network()
        title_ms = paint["element"] if paint["element"] is not None else paint["fcp"]
        return {
            "title_ms": title_ms, "fcp_ms": paint["fcp"], "element_timing": paint["element"] is not None,
            "html_end_ms": paint["html_end"], "css_end_ms": paint["css_end"], "blocking": paint["blocking"],
            "cls": paint["cls"], "load": os.getloadavg()[0],
            "bytes": sum(r["bytes"] for r in over), "requests": len(over),
            "urls": sorted({r["url"].split("?")[0].rsplit("/", 1)[-1] for r in over}),
        }
    finally:
        context.close()


def run(targets, pages, runs=5, profiles=("venue", "3g")):
    """targets: [(label, base_url)], e.g. this checkout and another one served alongside;
    pages: [(name, path)]. Returns {label: rows}, one row per page × profile × cache state.
    With two targets the runs alternate (A, B, B, A, …) so both meet the same moments of a
    shared machine's load."""
    from playwright.sync_api import sync_playwright

    results = {label: [] for label, _ in targets}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        try:
            for profile in profiles:
                for name, path in pages:
                    for warm in (False, True):
                        samples = {label: [] for label, _ in targets}
                        for i in range(runs):
                            for label, base_url in (targets if i % 2 == 0 else targets[::-1]):
                                samples[label].append(measure_once(browser, base_url + path, profile, warm))
                        for label, _ in targets:
                            results[label].append(summarise(name, path, profile, warm, samples[label]))
                            print(line(results[label][-1], label if len(targets) > 1 else ""), flush=True)
        finally:
            browser.close()
    return results


def summarise(name, path, profile, warm, samples):
    titles = [s["title_ms"] for s in samples if s["title_ms"] is not None]
    fcps = [s["fcp_ms"] for s in samples if s["fcp_ms"] is not None]
    return {
        "page": name, "path": path, "profile": profile, "cache": "warm" if warm else "cold",
        "title_ms": [round(t) for t in titles],
        "title_median_ms": round(statistics.median(titles)) if titles else None,
        "fcp_median_ms": round(statistics.median(fcps)) if fcps else None,
        # When the page and its last stylesheet had fully arrived: what the network allows;
        # the rest of the wait is the (slowed) phone's own work.
        "html_end_median_ms": _median(s["html_end_ms"] for s in samples),
        "css_end_median_ms": _median(s["css_end_ms"] for s in samples),
        "blocking": statistics.median(s.get("blocking", 0) for s in samples),
        # Cumulative layout shift until the network was idle: the worst run.
        "cls_max": round(max(s.get("cls", 0) for s in samples), 4),
        "element_timing": all(s["element_timing"] for s in samples),
        "kb": round(statistics.median(s["bytes"] for s in samples) / 1000, 1),
        "requests": statistics.median(s["requests"] for s in samples),
        "files": samples[-1]["urls"],
        "load": [round(s.get("load", 0), 1) for s in samples],
        "at": time.strftime("%H:%M:%S"),
    }


def _median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values)) if values else None


def line(row, label=""):
    return (f"first paint{' ' + label if label else ''}: {row['page']:<12} {row['profile']:<5} {row['cache']:<4} title median "
            f"{row['title_median_ms']} ms (runs {row['title_ms']}), FCP {row['fcp_median_ms']} ms, "
            f"page in {row['html_end_median_ms']} ms, stylesheet in {row['css_end_median_ms']} ms, "
            f"{row['blocking']:g} render-blocking, CLS ≤ {row['cls_max']}, "
            f"{row['kb']} kB in {row['requests']:g} requests, load {row['load']}")


def verdict(row):
    ok = row["title_median_ms"] is not None and row["title_median_ms"] <= TARGETS_S[row["profile"]] * 1000
    if row["cache"] == "cold":
        ok = ok and row["kb"] <= TARGET_COLD_KB
    return "met" if ok else "**missed**"


def target_rows(rows):
    """(target, measured, verdict) for the summary: each page's cold visit on each profile."""
    out = []
    for r in rows:
        if r["cache"] != "cold":
            continue
        target = TARGETS_S[r["profile"]]
        ok = r["title_median_ms"] is not None and r["title_median_ms"] <= target * 1000
        out.append((f"{r['page']}: title painted ≤ {target:.1f} s median, {r['profile']} profile, cold",
                    f"{r['title_median_ms']} ms", "met" if ok else "**missed**"))
        out.append((f"{r['page']}: ≤ {TARGET_COLD_KB:.0f} kB on a cold visit ({r['profile']})",
                    f"{r['kb']} kB in {r['requests']:g} requests", "met" if r["kb"] <= TARGET_COLD_KB else "**missed**"))
    return out


def table(rows):
    out = ["| page | profile | cache | title painted, median | runs (ms) | FCP median | page arrived | stylesheets arrived | render-blocking requests | layout shift (worst run) | transferred | requests | target | verdict |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        target = f"≤ {TARGETS_S[r['profile']]:.1f} s" + (f", ≤ {TARGET_COLD_KB:.0f} kB" if r["cache"] == "cold" else "")
        how = "" if r["element_timing"] else " (FCP)"
        out.append(f"| {r['page']} | {r['profile']} | {r['cache']} | {r['title_median_ms']} ms{how} | "
                   f"{', '.join(map(str, r['title_ms']))} | {r['fcp_median_ms']} ms | {r.get('html_end_median_ms')} ms | "
                   f"{r.get('css_end_median_ms')} ms | {r.get('blocking', 0):g} | {r.get('cls_max', 0)} | {r['kb']} kB | {r['requests']:g} | "
                   f"{target} | {verdict(r)} |")
    return "\n".join(out)


def ab_table(rows, against, label):
    """This checkout beside another one measured in the same runs (`--paint-against`)."""
    out = [f"| page, profile, cache | {label}: title painted (median; runs) | this: title painted (median; runs) "
           f"| {label}: transferred | this: transferred | {label}: CLS | this: CLS | load (1 min) |",
           "|---|---|---|---|---|---|---|---|"]
    for a, b in zip(against, rows):
        out.append(f"| {b['page']}, {b['profile']}, {b['cache']} | {a['title_median_ms']} ms; {', '.join(map(str, a['title_ms']))} "
                   f"| {b['title_median_ms']} ms; {', '.join(map(str, b['title_ms']))} "
                   f"| {a['kb']} kB in {a['requests']:g} | {b['kb']} kB in {b['requests']:g} "
                   f"| {a.get('cls_max', 0)} | {b.get('cls_max', 0)} | {min(a['load'] + b['load']):.1f}–{max(a['load'] + b['load']):.1f} |")
    return "\n".join(out)
