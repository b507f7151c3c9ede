"""Comparison mode: the original Pika! (expigo/pika, Bun) and ours, alternately, in one sitting.

The original is measured by its own runner (`peer/run_peer.sh` in the shared folder beside
the project; see its README), which exports the original's public repository from a git
directory into /tmp, serves it and drives it with a load client. Nothing of it is copied
here: we only run it and read its one result line.

Both sides get the same load-generator settings: one client process, at most 100
handshakes in flight, `websockets` offering permessage-deflate, 8 tracks measured, a fresh
server per run (so peak RSS is that run's). Runs alternate (original, ours, ours,
original, …) so that a change in the machine's load hits both sides alike; the table shows
every run, the medians and the ratio of the medians.
"""

import os
import re
import statistics
import subprocess
import time
from pathlib import Path

from bench import env, fanout

TRACKS = 8
GATE = 100
# The original refuses a second track within 5 s per set; ours has no such limit, and
# its latencies do not depend on the gap, so the shorter gap only saves time.
OUR_GAP = 1.5

MEASURES = [
    # key, label, unit, format
    ("connect_wall_s", "all sockets open (wall)", "s", "{:.1f}"),
    ("current_wall_s", "all sockets holding their first state (wall)", "s", "{:.1f}"),
    ("connect_p95_ms", "per-socket connect p95", "ms", "{:.0f}"),
    ("p50_ms", "track → every phone, p50", "ms", "{:.0f}"),
    ("p95_ms", "track → every phone, p95", "ms", "{:.0f}"),
    ("p99_ms", "track → every phone, p99", "ms", "{:.0f}"),
    ("peak_rss_mib", "server peak RSS", "MiB", "{:.0f}"),
    ("missed", "missed deliveries", "", "{:.0f}"),
]

PEER_LINE = re.compile(
    r"p50 (?P<p50>[\d.]+) ms, p95 (?P<p95>[\d.]+) ms, p99 (?P<p99>[\d.]+) ms.*?missed (?P<missed>\d+)/\d+"
    r".*?server peak RSS (?P<rss>[\d.]+) MiB.*?connect p95 (?P<cp95>[\d.]+) ms, connect wall (?P<wall>[\d.]+) s"
)


def find_runner():
    """$PIKA_PEER_RUNNER, else `shared/peer/run_peer.sh` beside the checkout (or its parent)."""
    if os.environ.get("PIKA_PEER_RUNNER"):
        return Path(os.environ["PIKA_PEER_RUNNER"])
    for base in (env.ROOT.parent, env.ROOT.parent.parent):
        candidate = base / "shared" / "peer" / "run_peer.sh"
        if candidate.exists():
            return candidate
    raise SystemExit("compare: no runner for the original; set PIKA_PEER_RUNNER to peer/run_peer.sh")


def peer_run(runner, git_dir, listeners):
    """One run of the original with `listeners` phones: its result line, parsed."""
    log = env.VAR_DIR / "peer.log"
    with open(log, "ab") as err:
        done = subprocess.run([str(runner), str(git_dir), str(listeners)], stdout=subprocess.PIPE,
                              stderr=err, timeout=1500, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("peer fanout")]
    match = PEER_LINE.search(lines[-1]) if lines else None
    if done.returncode != 0 or match is None:
        raise SystemExit(f"compare: the original's runner failed (rc {done.returncode}); see {log}\n{done.stdout}")
    return {
        "line": lines[-1],
        "connect_wall_s": float(match["wall"]),
        # The original sends nothing until a phone subscribes: open is when it has its state.
        "current_wall_s": None,
        "connect_p95_ms": float(match["cp95"]),
        "p50_ms": float(match["p50"]),
        "p95_ms": float(match["p95"]),
        "p99_ms": float(match["p99"]),
        "peak_rss_mib": float(match["rss"]),
        "missed": int(match["missed"]),
    }


def our_run(args, world, listeners):
    server = env.server(args.server, args.settings, args.server_arg,
                        dict(item.split("=", 1) for item in args.server_env)).start()
    try:
        row = fanout.run([server], world.stage_codes[1], world.dj_tokens[0], listeners, tracks=TRACKS, warmup=0,
                         clients=1, gap=OUR_GAP, connect_concurrency=GATE)
    finally:
        server.stop()
    return {
        "connect_wall_s": row["connect_seconds"],
        "current_wall_s": row["current_seconds"],
        "connect_p95_ms": row["handshake_ms"]["p95"],
        "p50_ms": row["latency_ms"]["p50"],
        "p95_ms": row["latency_ms"]["p95"],
        "p99_ms": row["latency_ms"]["p99"],
        "peak_rss_mib": max(row["peak_rss_mb"]),
        "missed": row["missed"] + (listeners - row["held"]),
    }


def run(args, world, say=print):
    runner = find_runner()
    git_dir = args.peer_git_dir or os.environ.get("PIKA_PEER_GIT_DIR")
    if not git_dir:
        raise SystemExit("compare: give the original's git directory (--peer-git-dir or PIKA_PEER_GIT_DIR)")
    results = []
    for listeners in [int(n) for n in args.compare.split(",")]:
        runs = {"original": [], "ours": []}
        for i in range(args.compare_runs):
            order = ("original", "ours") if i % 2 == 0 else ("ours", "original")
            for side in order:
                load = os.getloadavg()
                started = time.strftime("%H:%M:%S")
                row = peer_run(runner, git_dir, listeners) if side == "original" else our_run(args, world, listeners)
                row.update(side=side, started=started, load_before=load, load_after=os.getloadavg())
                runs[side].append(row)
                say(compare_line(listeners, row))
        results.append({"listeners": listeners, "runs": runs})
    return results


def compare_line(listeners, row):
    current = f", current {row['current_wall_s']:.1f} s" if row.get("current_wall_s") is not None else ""
    return (f"compare {listeners:>5} {row['side']:8} open {row['connect_wall_s']:.1f} s{current}, "
            f"connect p95 {row['connect_p95_ms']:.0f} ms, p50/p95/p99 {row['p50_ms']:.0f}/{row['p95_ms']:.0f}/"
            f"{row['p99_ms']:.0f} ms, peak {row['peak_rss_mib']:.0f} MiB, missed {row['missed']}, "
            f"load {row['load_before'][0]:.1f}→{row['load_after'][0]:.1f}")


def _median(runs, key):
    values = [run[key] for run in runs if run.get(key) is not None]
    return statistics.median(values) if values else None


def table(results):
    lines = []
    for block in results:
        n, runs = block["listeners"], block["runs"]
        lines += [f"**{n} phones on one stage** ({len(runs['original'])} runs each, alternating)", "",
                  "| measure | original (each run) | original median | Pika! (each run) | Pika! median "
                  "| Pika! ÷ original |",
                  "|---|---|---|---|---|---|"]
        for key, label, unit, fmt in MEASURES:
            cells = []
            medians = []
            for side in ("original", "ours"):
                values = [run.get(key) for run in runs[side]]
                shown = " / ".join("—" if v is None else fmt.format(v) for v in values)
                median = _median(runs[side], key)
                medians.append(median)
                cells += [shown, "—" if median is None else f"{fmt.format(median)} {unit}".strip()]
            a, b = medians
            ratio = f"{b / a:.2f}×" if a and b is not None else "—"
            lines.append(f"| {label} | {' | '.join(cells)} | {ratio} |")
        loads = [f"{run['started']} {run['side']} {run['load_before'][0]:.1f}"
                 for side in ("original", "ours") for run in runs[side]]
        lines += ["", f"Load average (1 min) at the start of each run: {', '.join(sorted(loads))}.", ""]
    return "\n".join(lines).rstrip()
