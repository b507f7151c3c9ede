"""The numbers of one played set: the public recap's and the DJ's private logbook's.

Both read the set's plays with their like counts, tempo totals and thank-yous (three
queries for any set size); the logbook adds the DJ's ratings (one more).
"""

import csv
import io

from django.db.models import Count
from django.utils import timezone

from crate.export_text import one_line, spreadsheet_cell
from crowd.models import TempoVote, ThankYou
from recaps.models import TrackRating


def plays(dj_set):
    """The set's plays in played order, each with its position `n`, `like_count`, `tempo`
    ({"slower", "perfect", "faster"}: the floor's votes) and `thanks` (thank-yous)."""
    tracks = list(dj_set.tracks.annotate(like_count=Count("likes")).order_by("played_at", "pk"))
    tempo = TempoVote.objects.totals_by_track(dj_set) if tracks else {}
    thanks = ThankYou.objects.count_by_track(dj_set) if tracks else {}
    for n, track in enumerate(tracks, start=1):
        track.n = n
        track.tempo = tempo.get(track.pk) or dict.fromkeys(TempoVote.CHOICES, 0)
        track.vote_count = sum(track.tempo.values())
        track.thanks = thanks.get(track.pk, 0)
    return tracks


def peak(tracks):
    """The most-liked play ("peak of the night"); the earlier one on a tie; None without likes."""
    best = None
    for track in tracks:
        if track.like_count and (best is None or track.like_count > best.like_count):
            best = track
    return best


def duration_text(dj_set):
    minutes = int(((dj_set.ended_at or timezone.now()) - dj_set.started_at).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def recap(dj_set):
    tracks = plays(dj_set)
    found = {
        "dj_set": dj_set,
        "event": dj_set.event,
        "tracks": tracks,
        "track_count": len(tracks),
        "total_likes": sum(track.like_count for track in tracks),
        "total_thanks": sum(track.thanks for track in tracks),
        "peak": peak(tracks),
        "duration": duration_text(dj_set),
        "tz": dj_set.tz,
    }
    found["title"], found["summary"] = title(dj_set), summary(found)
    return found


def title(dj_set):
    """"DJ Nova · Swing Fling · Main Floor · Sat 14 Mar 2026": the recap's name when shared."""
    event = dj_set.event
    when = timezone.localtime(dj_set.started_at, dj_set.tz).strftime("%a %d %b %Y")
    parts = (dj_set.dj_name, event.name if event else "", dj_set.stage.name if event else "", when)
    return one_line(" · ".join(part for part in parts if part))


def summary(found):
    """One line of the set's numbers, for the preview of a shared link."""
    count, likes, best = found["track_count"], found["total_likes"], found["peak"]
    text = (f"{count} track{pluralize(count)} in {found['duration']} · "
            f"{likes} like{pluralize(likes)}")
    if found["total_thanks"]:
        text += f" · {found['total_thanks']} thank-you{pluralize(found['total_thanks'])}"
    if best is not None:
        text += f" · peak of the night: {one_line(best.title)} — {one_line(best.artist)}"
    return text


def pluralize(n):
    return "" if n == 1 else "s"


def asked(tempo):
    """What the floor asked of a play: "slower" or "faster" when that vote led (more than
    each other choice), else None (happy, split, or silent)."""
    for choice, others in (("slower", ("perfect", "faster")), ("faster", ("perfect", "slower"))):
        if all(tempo[choice] > tempo[other] for other in others):
            return choice
    return None


def drift(track, following):
    """Where the floor asked one way and the next play's BPM went the other, e.g.
    "asked slower, next +24 BPM"; "" when the DJ followed, nobody asked or a BPM is unknown."""
    wanted = asked(track.tempo)
    if wanted is None or following is None or track.bpm is None or following.bpm is None:
        return ""
    change = following.bpm - track.bpm
    if (wanted == "slower" and change > 0) or (wanted == "faster" and change < 0):
        return f"asked {wanted}, next {change:+g} BPM"
    return ""


def logbook(dj_set):
    """The recap plus, per play, the DJ's verdict and note (`rating`, None if unrated),
    the tempo drift and the engagement (likes, thank-yous and tempo votes together)."""
    found = recap(dj_set)
    ratings = {r.track_id: r for r in TrackRating.objects.filter(track__dj_set=dj_set)}
    tracks = found["tracks"]
    for track, following in zip(tracks, tracks[1:] + [None]):
        track.rating = ratings.get(track.pk)
        track.drift = drift(track, following)
        track.engagement = track.like_count + track.thanks + track.vote_count
    counts = {verdict: 0 for verdict in TrackRating.Verdict.values}
    for rating in ratings.values():
        if rating.verdict:
            counts[rating.verdict] += 1
    found["verdicts"] = counts
    return found


CSV_HEADER = ["position", "played_at", "artist", "title", "bpm", "likes", "thank_yous", "slower", "perfect",
              "faster", "engagement", "drift", "verdict", "note"]


def logbook_csv(dj_set, found):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for track in found["tracks"]:
        rating = track.rating
        writer.writerow([spreadsheet_cell(value) for value in (
            track.n, timezone.localtime(track.played_at, dj_set.tz).isoformat(timespec="seconds"),
            track.artist, track.title, "" if track.bpm is None else f"{track.bpm:g}", track.like_count,
            track.thanks, track.tempo["slower"], track.tempo["perfect"], track.tempo["faster"], track.engagement,
            track.drift, rating.verdict if rating else "", rating.note if rating else "",
        )])
    return out.getvalue()
