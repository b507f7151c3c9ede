"""One set's tracklist as others take it away: a public page and M3U, CSV and text files,
with each track's recording (ISRC, Spotify URI) where DJs matched it. No Spotify needed."""

import csv
import io

from django.utils import timezone

from crate.export_text import one_line, spreadsheet_cell
from crate.models import TrackLink, search_links


def rows(dj_set):
    """[{"n", "track", "identity", "links"}] in played order: two queries for any set size."""
    tracks = list(dj_set.tracks.order_by("played_at", "pk"))
    identities = {
        link.played_id: link.identity
        for link in TrackLink.objects.filter(played__in=tracks, identity__isnull=False).select_related("identity")
    } if tracks else {}
    return [
        {"n": n, "track": track, "identity": identities.get(track.pk), "links": search_links(track.artist, track.title)}
        for n, track in enumerate(tracks, start=1)
    ]


def title(dj_set):
    event = dj_set.event
    when = timezone.localtime(dj_set.started_at, dj_set.tz).strftime("%a %d %b %Y")
    return one_line(" · ".join(part for part in (dj_set.dj_name, event.name if event else "", when) if part))


def summary(tracks, shown=3):
    """"12 tracks: Artist — Title, …": how a shared link previews (Open Graph)."""
    names = ", ".join(one_line(f"{track.artist} — {track.title}") for track in tracks[:shown])
    text = f"{len(tracks)} track{'' if len(tracks) == 1 else 's'}"
    return text + (f": {names}" if names else "") + ("…" if len(tracks) > shown else "")


def m3u(dj_set, entries):
    """Extended M3U: the Spotify link where the recording is known, else a YouTube search."""
    lines = ["#EXTM3U", f"#PLAYLIST:{title(dj_set)}"]
    for entry in entries:
        track, identity = entry["track"], entry["identity"]
        seconds = round(track.duration_ms / 1000) if track.duration_ms else -1
        if identity and identity.spotify_uri:
            where = "https://open.spotify.com/track/" + identity.spotify_uri.rsplit(":", 1)[-1]
        else:
            where = dict(entry["links"])["YouTube"]
        lines += [f"#EXTINF:{seconds},{one_line(f'{track.artist} - {track.title}')}", where]
    return "\n".join(lines) + "\n"


CSV_HEADER = ["position", "played_at", "artist", "title", "album", "duration_ms", "isrc", "spotify_uri", "spotify_search"]


def csv_text(dj_set, entries):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for entry in entries:
        track, identity = entry["track"], entry["identity"]
        writer.writerow([spreadsheet_cell(v) for v in (
            entry["n"], timezone.localtime(track.played_at, dj_set.tz).isoformat(timespec="seconds"),
            track.artist, track.title, track.album, track.duration_ms or "",
            identity.isrc if identity else "", identity.spotify_uri if identity else "",
            dict(entry["links"])["Spotify"],
        )])
    return out.getvalue()


def text(dj_set, entries):
    lines = [title(dj_set), ""]
    for entry in entries:
        time = timezone.localtime(entry["track"].played_at, dj_set.tz).strftime("%H:%M")
        lines.append(f"{entry['n']:>2}. {time}  {one_line(entry['track'].artist)} — {one_line(entry['track'].title)}")
    return "\n".join(lines) + "\n"
