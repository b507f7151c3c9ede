"""pika-dj command line: live, simulate, login."""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from pika_dj import __version__, config
from pika_dj import doctor as pika_doctor
from pika_dj.agent import Agent
from pika_dj.client import (
    ApiError,
    NotFound,
    Offline,
    PikaClient,
    Rejected,
    SessionGone,
    Unauthorized,
    normalize_server,
)
from pika_dj.queue import PlayQueue, StateLocked
from pika_dj.sources import Source, SourceError
from pika_dj.sources.engine import EngineSource
from pika_dj.sources.mixxx import MixxxSource
from pika_dj.sources.nowplaying import NowPlayingSource
from pika_dj.sources.rekordbox import RekordboxSource
from pika_dj.sources.serato import SeratoSource
from pika_dj.sources.simulated import SET_LIST, SimulatedSource
from pika_dj.sources.traktor import TraktorSource
from pika_dj.sources.traktor_broadcast import DEFAULT_PORT
from pika_dj.sources.virtualdj import VirtualDJSource
from pika_dj.tracks import count

PROGRAMS = {
    # flag: (program name, what to point it at, source class, path must be a folder)
    "virtualdj": ("VirtualDJ", "VirtualDJ's History folder", VirtualDJSource, True),
    "serato": ("Serato DJ", "Serato's Library/master.sqlite", SeratoSource, False),
    "mixxx": ("Mixxx", "Mixxx's mixxxdb.sqlite", MixxxSource, False),
    "traktor": ("Traktor", "Traktor's History folder", TraktorSource, True),
    "rekordbox": ("rekordbox", "rekordbox's master.db (its folder works too)", RekordboxSource, False),
    "engine": ("Engine DJ", "the Engine Library folder (or its Database2/m.db)", EngineSource, False),
    "nowplaying": ("a now-playing file", "a now-playing text file (or its folder)", NowPlayingSource, False),
}


class Fatal(Exception):
    """Stop with this message (and exit status 1)."""


class Terminated(Exception):
    """SIGTERM: stop like Ctrl-C, without asking anything."""


def say(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str] | None = None) -> int:
    # Track titles are any Unicode; a console that cannot show a character shows '?'.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = build_parser().parse_args(argv)
    try:
        return args.command(args)
    except Fatal as error:
        print(f"pika-dj: {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:  # Ctrl-C before following started: nothing to clean up
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pika-dj",
        description="Follows your DJ software and posts every played track to Pika!.",
    )
    parser.add_argument("--version", action="version", version=f"pika-dj {__version__}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    live = commands.add_parser("live", help="go live and post what your DJ software plays")
    _connection_flags(live)
    # Without a program flag, live follows the program `pika-dj doctor` names.
    programs = live.add_mutually_exclusive_group()
    for flag, (name, target, _, _) in PROGRAMS.items():
        programs.add_argument(
            f"--{flag}",
            nargs="?",
            const="",
            metavar="PATH",
            help=f"follow {name}: PATH is {target} (leave it out to use the usual place)",
        )
    live.add_argument("--state-dir", type=Path, help="where queued tracks are kept (default: per-user state folder)")
    live.add_argument(
        "--poll", type=float, default=2.0, metavar="SECONDS", help="how often to read the history (default 2)"
    )
    live.add_argument(
        "--broadcast-port",
        type=int,
        default=DEFAULT_PORT,
        metavar="PORT",
        help=f"with --traktor: the port Traktor's Broadcasting sends to (default {DEFAULT_PORT})",
    )
    live.add_argument("--end-on-exit", action="store_true", help="end the set on Ctrl-C without asking")
    live.add_argument("--new-set", action="store_true", help="start a new set even if an unfinished one can be resumed")
    live.set_defaults(command=run_live)

    simulate = commands.add_parser("simulate", help="play a built-in set, to try Pika! without DJ software")
    _connection_flags(simulate)
    simulate.add_argument(
        "--every", type=float, default=30.0, metavar="SECONDS", help="seconds between tracks (default 30)"
    )
    simulate.add_argument("--count", type=int, default=len(SET_LIST), help=f"how many tracks (default {len(SET_LIST)}; 0: until stopped)")
    simulate.set_defaults(command=run_simulate)

    doctor = commands.add_parser("doctor", help="which DJ programs are here, which one live follows, and whether the server answers")
    doctor.add_argument("--server", help="Pika! address (or PIKA_SERVER, or pika-dj login)")
    doctor.add_argument("--token", help="DJ API token (or PIKA_TOKEN, or pika-dj login)")
    doctor.set_defaults(command=lambda args: pika_doctor.run(args, say))

    login = commands.add_parser("login", help="remember the server and token for later commands")
    login.add_argument("--server", help="Pika! address, e.g. https://pika.example.com")
    login.add_argument("--token", help="a DJ API token from your Pika! dashboard")
    login.set_defaults(command=run_login)
    return parser


def _connection_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--server", help="Pika! address (or PIKA_SERVER, or pika-dj login)")
    parser.add_argument("--token", help="DJ API token (or PIKA_TOKEN, or pika-dj login)")
    parser.add_argument("--stage", metavar="CODE", help="go live on this stage (Event Mode); without it: Quick Start")
    parser.add_argument("--dj-name", help="name shown to dancers (default: your account's)")
    parser.add_argument("--no-qr", action="store_true", help="do not draw the QR code")


def _client(args) -> PikaClient:
    server = config.resolve(args.server, "PIKA_SERVER", "server")
    token = config.resolve(args.token, "PIKA_TOKEN", "token")
    if not server:
        raise Fatal("no server given: use --server URL, set PIKA_SERVER, or run `pika-dj login`")
    if not token:
        raise Fatal("no token given: use --token TOKEN, set PIKA_TOKEN, or run `pika-dj login`")
    return PikaClient(server, token)


def _source(args) -> Source:
    # argparse lets at most one program flag through.
    flag = next((flag for flag in PROGRAMS if getattr(args, flag) is not None), None)
    if flag is None:
        chosen, why = pika_doctor.choose(pika_doctor.survey())
        if chosen is None:
            raise Fatal(f"{why}: name your program, e.g. --virtualdj PATH (`pika-dj doctor` shows where it looked)")
        say(f"Following {chosen.name}: {why} (`pika-dj doctor` lists every program found).")
        return PROGRAMS[chosen.flag][2](chosen.path)
    name, target, source_class, is_folder = PROGRAMS[flag]
    value = getattr(args, flag)
    if value == "":
        found = config.find_default(flag)
        if found is None:
            raise Fatal(f"{name} history not found in its usual places: pass --{flag} PATH ({target})")
        value = str(found)
    path = Path(value).expanduser()
    if not path.exists() or (is_folder and not path.is_dir()):
        raise Fatal(f"{name}: {path} does not exist; --{flag} takes {target}")
    return source_class(path)


def _start_session(client: PikaClient, args) -> dict:
    """POST /sessions with every refusal turned into a sentence the DJ can act on."""
    try:
        return client.start_session(dj_name=args.dj_name, stage=args.stage)
    except Offline as error:
        raise Fatal(
            f"cannot reach the Pika! server at {client.server} ({error}). "
            "Check --server / PIKA_SERVER and the network."
        ) from None
    except Unauthorized as error:
        raise Fatal(
            f"Pika! refused the token ({error.reason}). Check --token / PIKA_TOKEN, "
            "or create a new token in your DJ dashboard."
        ) from None
    except NotFound as error:
        if args.stage:
            raise Fatal(
                f"unknown stage code {args.stage!r} ({error.reason}). "
                "Check the code on the stage's QR poster or ask the organizer."
            ) from None
        raise Fatal(f"{client.server} has no Pika! token API ({error.reason}): is it the right address?") from None
    except ApiError as error:
        raise Fatal(f"Pika! refused to start the set ({error.reason}).") from None


def _session_record(data: dict, **extra) -> dict:
    stage = data.get("stage") or {}
    return {
        **extra,
        "id": data["id"],
        "code": data["code"],
        "url": data["url"],
        "stage_name": stage.get("name"),
        "stage_url": stage.get("url"),
    }


def _show_session(session: dict, args, resumed: bool) -> None:
    where = f" on stage {session['stage_name']}" if session.get("stage_name") else ""
    say(f"{'Resumed' if resumed else 'Live'}{where}: {session['url']}")
    if session.get("stage_url"):
        say(f"The room's page (its QR poster): {session['stage_url']}")
    if _on_this_computer_only(session["url"]) and not _on_this_computer_only(session.get("server", "")):
        say(
            "Pika! answered with an address on its own machine, which phones cannot open: "
            "its operator should set PIKA_BASE_URL to the public address."
        )
    if not args.no_qr:
        print_qr(session["url"])


def _on_this_computer_only(url: str) -> bool:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def print_qr(url: str, stream=None) -> None:
    import qrcode  # only needed here; keeps `pika-dj --help` fast

    stream = stream or sys.stdout
    try:
        "▀▄█".encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return  # this console cannot draw it; the URL above is enough
    code = qrcode.QRCode(border=1)
    code.add_data(url)
    code.make(fit=True)
    code.print_ascii(out=stream, invert=True)
    stream.flush()


def _deliver_leftovers(client: PikaClient, queue: PlayQueue, previous: dict) -> None:
    """Send what the previous set still had queued, before a new set ends it."""
    left = queue.pending()
    if not left:
        return
    if previous["server"] != client.server:
        say(f"{count(len(left), 'queued track')} of your set on {previous['server']} dropped (another server now)")
        return
    try:
        for item in left:
            try:
                client.post_track(previous["id"], item.payload)
            except Rejected:
                pass  # that one can never be stored; the rest still can
    except Offline as error:
        raise Fatal(
            f"cannot reach the Pika! server at {client.server} ({error}); "
            f"your previous set still has {count(len(left), 'queued track')}."
        ) from None
    except (SessionGone, Unauthorized) as error:
        say(f"{count(len(left), 'queued track')} of your previous set could not be delivered ({error.reason})")
        return
    say(f"delivered {count(len(left), 'queued track')} of your previous set")


def run_live(args) -> int:
    source = _source(args)
    client = _client(args)
    state_dir = args.state_dir or config.default_state_dir()
    try:
        queue = PlayQueue(state_dir)
    except StateLocked as error:
        raise Fatal(str(error)) from None
    try:
        wanted = {"server": client.server, "token": client.token_fingerprint, "stage": args.stage}
        session = queue.session()
        resumed = bool(session) and not args.new_set and all(session.get(k) == v for k, v in wanted.items())
        if not resumed:
            if session:
                _deliver_leftovers(client, queue, session)
            started_at = datetime.now(timezone.utc).isoformat()
            session = _session_record(_start_session(client, args), **wanted, started_at=started_at)
            queue.start_session(session)
        _show_session(session, args, resumed)
        if isinstance(source, TraktorSource):
            _listen_for_traktor(source, args.broadcast_port, Path(state_dir).expanduser(), session)
        agent = Agent(client, source, queue, session["id"], say, poll=args.poll)
        agent.collect()  # the history as it is now is the baseline, before "Following" is shown
        queued = queue.pending_count()
        say(f"Following {source.describe()}" + (f" ({count(queued, 'track')} queued)" if queued else ""))
        for line in getattr(source, "instructions", list)():
            say(line)
        say("Ctrl-C to stop.")
        return _follow(agent, client, queue, session, args)
    finally:
        getattr(source, "close", lambda: None)()
        queue.close()
        client.close()


def _listen_for_traktor(source: TraktorSource, port: int, state_dir: Path, session: dict) -> None:
    # Sets started by an older agent have no start time: the set starts now for the History.
    since = datetime.fromisoformat(session.get("started_at") or datetime.now(timezone.utc).isoformat())
    try:
        source.listen(port, state_dir / "traktor-broadcast.jsonl", since)
    except SourceError as error:
        raise Fatal(str(error)) from None


def _follow(agent: Agent, client: PikaClient, queue: PlayQueue, session: dict, args) -> int:
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        agent.run()
    except SessionGone as error:
        lost = queue.pending_count()
        queue.clear_session()
        raise Fatal(
            f"your set {session['code']} was ended on the server ({error.reason}): "
            "ended from the dashboard, or you went live elsewhere. Stopped following"
            + (f"; {count(lost, 'queued track')} could not be delivered" if lost else "")
            + ". Run `pika-dj live` again to start a new set."
        ) from None
    except Unauthorized as error:
        raise Fatal(
            f"Pika! refused the token ({error.reason}). Your set stays live with "
            f"{count(queue.pending_count(), 'track')} still queued; run `pika-dj live` with a valid token."
        ) from None
    except (KeyboardInterrupt, Terminated) as stop:
        interactive = not isinstance(stop, Terminated) and sys.stdin.isatty()
        if args.end_on_exit or (interactive and _ask("\nEnd your set on Pika! now? [y/N] ")):
            return _end_set(agent, client, queue, session)
        say(
            "\nYour set stays live. Run `pika-dj live` with the same options to carry on"
            + (f"; {count(queue.pending_count(), 'queued track')} kept." if queue.pending_count() else ".")
        )
    return 0


def _raise_terminated(signum, frame):
    raise Terminated()


def _ask(question: str) -> bool:
    try:
        return input(question).strip().lower() in ("y", "yes")
    except (EOFError, KeyboardInterrupt):
        return False


# How long ending a set waits for the DJ program's final write (Traktor's History on closing).
FINAL_WRITE_WAIT = 15 * 60


def _wait_for_final_write(agent: Agent) -> None:
    """Before ending, let the program write what only it knows (Ctrl-C ends at once)."""
    due = getattr(agent.source, "final_write_due", lambda: None)
    waiting_for = due()
    if not waiting_for:
        return
    say(f"Waiting for {waiting_for} before ending the set, so no track is left out. Ctrl-C to end now.")
    deadline = time.monotonic() + FINAL_WRITE_WAIT
    try:
        while due() and time.monotonic() < deadline:
            agent.collect()
            agent.flush()
            agent.source.wait(agent.poll)
    except (KeyboardInterrupt, Terminated):
        say("\nEnding the set now.")
        return
    if due():
        say(f"{agent.source.name} did not store its history within {FINAL_WRITE_WAIT // 60} minutes; ending the set.")
    else:
        say(f"{agent.source.name} stored its history.")


def _end_set(agent: Agent, client: PikaClient, queue: PlayQueue, session: dict) -> int:
    """Deliver what is queued, then end the set; if either fails the set stays live."""
    try:
        _wait_for_final_write(agent)
        agent.collect()
        agent.flush()
        left = queue.pending_count()
        if left:
            say(
                f"{count(left, 'track')} could not be delivered, so the set stays live. "
                "Run `pika-dj live` again to deliver them, then end the set."
            )
            return 1
        client.end_session(session["id"])
    except Offline as error:
        say(f"cannot reach the server to end the set ({error}); it stays live.")
        return 1
    except SessionGone:
        say("The set had already ended on the server.")
    except ApiError as error:
        say(f"could not end the set ({error.reason})")
        return 1
    else:
        say("Set ended. Thanks for the music!")
    queue.clear_session()
    return 0


def run_simulate(args) -> int:
    client = _client(args)
    with tempfile.TemporaryDirectory(prefix="pika-dj-simulate-") as state_dir:
        queue = PlayQueue(state_dir)
        try:
            session = _session_record(_start_session(client, args))
            queue.start_session(session)
            _show_session(session, args, resumed=False)
            source = SimulatedSource(args.every, args.count, run_id=session["code"])
            say(f"Playing {source.describe()}. Ctrl-C to stop.")
            agent = Agent(client, source, queue, session["id"], say, poll=min(2.0, args.every))
            signal.signal(signal.SIGTERM, _raise_terminated)
            try:
                agent.run(until=lambda: source.finished and queue.pending_count() == 0)
            except (KeyboardInterrupt, Terminated):
                say("")
            except SessionGone as error:
                raise Fatal(f"the set was ended on the server ({error.reason})") from None
            return _end_set(agent, client, queue, session)
        finally:
            queue.close()
            client.close()


def run_login(args) -> int:
    server = args.server or input("Pika! server address: ").strip()
    token = args.token or getpass.getpass("DJ API token (not shown): ").strip()
    if not server or not token:
        raise Fatal("both a server and a token are needed")
    path = config.save_login(normalize_server(server), token)
    say(f"Saved to {path}. `pika-dj live` and `pika-dj simulate` will use them.")
    return 0
