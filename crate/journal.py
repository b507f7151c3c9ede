"""The music journal: a dancer's likes grouped by event, then by DJ set, newest first."""

import csv
import io

from django.utils import timezone

from crate.export_text import one_line, spreadsheet_cell


def group(likes):
    """[{"event", "sets": [{"dj_set", "tz", "likes"}]}], in the order of `likes` (newest set first).

    Quick Start sets (no event) gather under event None. Expects Like.objects.journal().
    """
    events, sets = {}, {}
    for like in likes:
        dj_set = like.track.dj_set
        event = dj_set.event
        event_group = events.get(event.pk if event else None)
        if event_group is None:
            event_group = events[event.pk if event else None] = {"event": event, "sets": []}
        set_group = sets.get(dj_set.pk)
        if set_group is None:
            set_group = sets[dj_set.pk] = {"dj_set": dj_set, "tz": dj_set.tz, "likes": []}
            event_group["sets"].append(set_group)
        set_group["likes"].append(like)
    return list(events.values())


def _local(moment, tz):
    return timezone.localtime(moment, tz).isoformat(timespec="seconds")


def m3u(likes):
    """Extended M3U (UTF-8). No file is local to the dancer, so each entry points to a search."""
    lines = ["#EXTM3U", "#PLAYLIST:Pika! liked songs"]
    for like in likes:
        track = like.track
        seconds = round(track.duration_ms / 1000) if track.duration_ms else -1
        # Players split "Artist - Title" on the first " - ".
        info = one_line(f"{track.artist} - {track.title}")
        lines += [f"#EXTINF:{seconds},{info}", dict(like.search_links())["YouTube"]]
    return "\n".join(lines) + "\n"


CSV_HEADER = [
    "artist", "title", "album", "played_at", "dj", "event", "stage", "bpm", "key",
    "liked_at", "spotify", "apple_music", "youtube",
]
def csv_text(likes):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for like in likes:
        track, dj_set = like.track, like.track.dj_set
        tz, event = dj_set.tz, dj_set.event
        links = dict(like.search_links())
        writer.writerow([spreadsheet_cell(v) for v in (
            track.artist, track.title, track.album, _local(track.played_at, tz), dj_set.dj_name,
            event.name if event else "", dj_set.stage.name if dj_set.stage_id else "",
            f"{track.bpm:g}" if track.bpm else "", track.key, _local(like.created_at, tz),
            links["Spotify"], links["Apple Music"], links["YouTube"],
        )])
    return out.getvalue()


def text(likes):
    lines = ["Pika! — my liked songs", ""]
    for event_group in group(likes):
        lines.append(one_line(event_group["event"].name) if event_group["event"] else "Sets outside an event")
        for set_group in event_group["sets"]:
            dj_set = set_group["dj_set"]
            where = f" · {dj_set.stage.name}" if dj_set.stage_id else ""
            when = timezone.localtime(dj_set.started_at, set_group["tz"]).strftime("%a %d %b %Y, %H:%M")
            lines.append("  " + one_line(f"{dj_set.dj_name}{where} · {when}"))
            lines += [f"    {one_line(like.track.artist)} — {one_line(like.track.title)}" for like in set_group["likes"]]
        lines.append("")
    return "\n".join(lines)
