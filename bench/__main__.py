"""`python -m bench [suite ...] [options]` — see `python -m bench --help`."""

import argparse
import json
import os
import sys
import time

import bench
from bench import compare, env, fanout, firstpaint, pages, push, report, routing, storm, tracks, votes

FANOUT_SCENARIOS = [(1, 100), (1, 1000), (1, 2000), (2, 2000), (2, 4000)]
SUITES = ["fanout", "storm", "routing", "pages", "posts", "push", "firstpaint", "votes"]
# Not in the default run: it needs the original's runner and git directory.
EXTRA_SUITES = ["compare"]


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=bench.__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("suites", nargs="*", metavar="suite",
                        help=f"what to run: {', '.join(SUITES + EXTRA_SUITES)} (default: {', '.join(SUITES)}); "
                             "`compare` runs the original Pika! and ours alternately (bench/compare.py)")
    parser.add_argument("--two-redis", action="store_true",
                        help="start a second redis-server and shard the channel layer over both "
                             "(PIKA_CHANNEL_REDIS_URLS), for every suite of this run")
    parser.add_argument("--storm", type=int, default=1000, metavar="N",
                        help="storm: phones that reconnect when the server restarts (default: %(default)s)")
    parser.add_argument("--voters", type=int, default=1000, metavar="N",
                        help="votes: phones on one stage, each tapping a tempo vote within --vote-window (default: %(default)s)")
    parser.add_argument("--vote-window", type=float, default=10.0, metavar="SECONDS",
                        help="votes: the seconds the phones' taps are spread over (default: %(default)s)")
    parser.add_argument("--compare", default="1000", metavar="N[,N]",
                        help="compare: phones per run, comma separated (default: %(default)s)")
    parser.add_argument("--compare-runs", type=int, default=3, help="compare: runs of each side per N (default: 3)")
    parser.add_argument("--peer-git-dir", default="",
                        help="compare: a git directory of the original (expigo/pika); or PIKA_PEER_GIT_DIR")
    parser.add_argument("--scenarios", default=",".join(f"{p}x{n}" for p, n in FANOUT_SCENARIOS),
                        help="fan-out scenarios as PROCESSESxLISTENERS, comma separated (default: %(default)s)")
    parser.add_argument("--tracks", type=int, default=20, help="tracks posted per fan-out scenario")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each fan-out scenario this many times and report the median run by p99 "
                             "(the machine is shared: single runs are noisy)")
    parser.add_argument("--clients", type=int, default=0,
                        help="load-generator processes (default: 1 up to 1000 listeners, else 2)")
    parser.add_argument("--paint-runs", type=int, default=5,
                        help="first-paint runs per page, network profile and cache state (default: %(default)s)")
    parser.add_argument("--paint-against", default="", metavar="DIR",
                        help="firstpaint: also serve another checkout (e.g. `git worktree add /tmp/before main`) "
                             "on the same data and measure both, run by run alternately (A/B in one sitting)")
    parser.add_argument("--paint-pages", default="stage,event,set", metavar="PAGES",
                        help="firstpaint: which pages, comma separated (default: %(default)s)")
    parser.add_argument("--server", choices=sorted(env.SERVERS), default="uvicorn")
    parser.add_argument("--settings", default="pika.settings",
                        help="DJANGO_SETTINGS_MODULE for the servers (e.g. bench.settings_core)")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="extra argument for the server command (repeatable)")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="extra environment variable for the servers (repeatable)")
    parser.add_argument("--profile", action="store_true",
                        help="record each fan-out server with py-spy into var dir profiles/ (collapsed stacks)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md with the results")
    parser.add_argument("--label", default="default",
                        help="name of this configuration; --write replaces that block of docs/benchmarks.md")
    parser.add_argument("--json", default="", help="where to save raw results (default: var dir, by label)")
    args = parser.parse_args(argv)
    unknown = set(args.suites) - set(SUITES + EXTRA_SUITES)
    if unknown:
        parser.error(f"unknown suite {', '.join(sorted(unknown))}; choose from {', '.join(SUITES + EXTRA_SUITES)}")
    return args


def start_servers(args, count):
    servers = []
    for _ in range(count):
        servers.append(env.server(args.server, args.settings, args.server_arg,
                                  dict(item.split("=", 1) for item in args.server_env)).start())
    return servers


def stop_all(servers):
    for server in servers:
        server.stop()


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    suites = args.suites or SUITES
    fd_limit = env.raise_fd_limit()
    second_redis = None
    if args.two_redis:
        second_redis = routing.SecondRedis().start()
        # Read by this process's settings (below) and inherited by every server started.
        os.environ["PIKA_CHANNEL_REDIS_URLS"] = f"{env.REDIS_URL},{second_redis.url}"
    try:
        _run(args, suites, fd_limit)
    finally:
        if second_redis:
            second_redis.stop()


def _run(args, suites, fd_limit):
    env.ensure_database()
    env.setup_django()
    world = env.seed()
    results = {"started": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": report.machine(),
               "versions": report.versions(), "config": {
                   "label": args.label, "server": args.server, "settings": args.settings,
                   "server_args": args.server_arg, "server_env": args.server_env,
                   "channel_redis": os.environ.get("PIKA_CHANNEL_REDIS_URLS", env.REDIS_URL),
                   "fd_limit": fd_limit}}
    print(f"bench: {results['machine']['summary']}; load before: {results['machine']['load']}", flush=True)

    if "pages" in suites:
        servers = start_servers(args, 1)
        try:
            results["pages"] = [
                dict(pages.run(servers[0], f"/s/{world.stage_codes[0]}", world.page_track_title), name="stage page"),
                dict(pages.run(servers[0], f"/live/{world.page_set_code}", world.page_track_title),
                     name="session page"),
            ]
        finally:
            stop_all(servers)
        for row in results["pages"]:
            print(report.page_line(row), flush=True)

    if "posts" in suites:
        servers = start_servers(args, 1)
        try:
            results["posts"] = {
                "latency": tracks.latency(servers[0], world.stage_codes[2], world.dj_tokens[1]),
                "throughput": tracks.throughput(servers[0], world.dj_tokens[2:8]),
            }
        finally:
            stop_all(servers)
        print(report.posts_line(results["posts"]), flush=True)

    if "fanout" in suites:
        results["fanout"] = []
        for scenario in args.scenarios.split(","):
            processes, listeners = (int(x) for x in scenario.lower().split("x"))
            clients = args.clients or (1 if listeners <= 1000 else 2)
            runs = []
            for _ in range(args.repeat):
                servers = start_servers(args, processes)
                try:
                    row = fanout.run(servers, world.stage_codes[1], world.dj_tokens[0], listeners,
                                     tracks=args.tracks, clients=clients,
                                     profile_dir=env.VAR_DIR / "profiles" / scenario if args.profile else None)
                finally:
                    stop_all(servers)
                row["clients"] = clients
                row["load_after"] = os.getloadavg()
                runs.append(row)
                print(report.fanout_line(row), flush=True)
            median = sorted(runs, key=lambda r: r["latency_ms"]["p99"])[len(runs) // 2]
            median["p99_of_runs"] = [r["latency_ms"]["p99"] for r in runs]
            results["fanout"].append(median)

    if "storm" in suites:
        runs = []
        for _ in range(args.repeat):
            server = start_servers(args, 1)[0]
            try:
                runs.append(storm.run(server, world.stage_codes[3], world.dj_tokens[1], args.storm))
            finally:
                server.stop()
            print(report.storm_line(runs[-1]), flush=True)
        ordered = sorted(runs, key=lambda r: r["all_current_seconds"] if r["all_current_seconds"] is not None else 1e9)
        results["storm"] = dict(ordered[len(ordered) // 2], runs=[r["all_current_seconds"] for r in runs])

    if "routing" in suites:
        servers = start_servers(args, 2)
        try:
            results["routing"] = routing.run(servers)
        finally:
            stop_all(servers)
        print(report.routing_line(results["routing"]), flush=True)

    if "compare" in suites:
        results["compare"] = compare.run(args, world, say=lambda line: print(line, flush=True))

    if "firstpaint" in suites:
        servers = start_servers(args, 1)
        targets = [("this", servers[0].url)]
        try:
            if args.paint_against:
                path, extra = env.other_checkout(args.paint_against)
                other = env.server(args.server, args.settings, args.server_arg,
                                   {**dict(item.split("=", 1) for item in args.server_env), **extra}, cwd=path)
                servers.append(other.start())
                targets.insert(0, ("against", other.url))
                results["config"]["paint_against"] = str(path)
            paths = {"stage": f"/s/{world.stage_codes[0]}", "event": f"/e/{world.event_slug}",
                     "set": f"/live/{world.page_set_code}"}
            measured = firstpaint.run(targets, [(f"{name} page", paths[name]) for name in args.paint_pages.split(",")],
                                      runs=args.paint_runs)
        finally:
            stop_all(servers)
        results["firstpaint"] = measured["this"]
        if "against" in measured:
            results["firstpaint_against"] = measured["against"]

    if "votes" in suites:
        server = env.server(args.server, args.settings, args.server_arg,
                            {**dict(item.split("=", 1) for item in args.server_env), **votes.SERVER_ENV}).start()
        try:
            results["votes"] = votes.run(server, world.stage_codes[2], world.dj_tokens[3], phones=args.voters,
                                         window=args.vote_window, clients=args.clients or 1)
        finally:
            server.stop()
        print(report.votes_line(results["votes"]), flush=True)

    if "push" in suites:
        results["push"] = push.run(world)
        print(report.push_line(results["push"]), flush=True)

    results["machine"]["load_after"] = report.machine()["load"]
    env.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(args.json or env.VAR_DIR / f"results-{args.label}.json", "w") as out:
        json.dump(results, out, indent=2, default=str)
    print(f"bench: raw results in {args.json or env.VAR_DIR / f'results-{args.label}.json'}")
    if args.write and results.get("compare"):
        report.write_comparison(results)
    if args.write and set(suites) - {"compare"}:
        report.write_docs(results)
        print("bench: docs/benchmarks.md updated")


if __name__ == "__main__":
    main()
