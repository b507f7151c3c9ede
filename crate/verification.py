"""Matching played tracks to recordings: the crowd's votes, auto-match and confirmations.

Everything here reads the votes for many tracks in one query, so a stored track costs a
few queries whatever the repertoire, and a set's verification list costs the same for 5
tracks or 500.
"""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from crate import spotify
from crate.matching import HASH, ISRC, NAME, evidence_of, name_key
from crate.models import AUTO_MATCH_DJS, Confirmation, Conflict, SpotifyAccount, Track, TrackLink
from pika.codes import clean_isrc
from pika.deferred import after_response

FIELD = {HASH: "file_hash", ISRC: "isrc", NAME: "name_key"}


def evidence_for(played, isrc=""):
    return evidence_of(played.file_hash, isrc, played.artist, played.title)


def votes_for(evidence_sets):
    """{(kind, value): {identity_id: {dj_id, ...}}} for every piece of evidence given, and
    {(kind, value): identity_id} for the conflicts the owner resolved. Two queries (one
    when nobody confirmed any of it)."""
    wanted = defaultdict(set)
    for evidence in evidence_sets:
        for kind, value in evidence:
            wanted[kind].add(value)
    votes = defaultdict(lambda: defaultdict(set))
    if not wanted:
        return votes, {}
    query = Q()
    for kind, values in wanted.items():
        query |= Q(**{FIELD[kind] + "__in": values})
    for identity_id, dj_id, file_hash, isrc, key in Confirmation.objects.filter(query).values_list(
        "identity_id", "dj_id", "file_hash", "isrc", "name_key"
    ):
        for kind, value in ((HASH, file_hash), (ISRC, isrc), (NAME, key)):
            if value and value in wanted[kind]:
                votes[(kind, value)][identity_id].add(dj_id)
    if not votes:
        # A resolved conflict only picks among recordings DJs confirmed: without a single
        # confirmation there is nothing to pick (a new track's usual case: one query saved).
        return votes, {}
    conflict_query = Q()
    for kind, values in wanted.items():
        conflict_query |= Q(kind=kind, value__in=values)
    resolved = dict(
        ((kind, value), identity_id)
        for kind, value, identity_id in Conflict.objects.filter(conflict_query, resolved_to__isnull=False)
        .values_list("kind", "value", "resolved_to_id")
    )
    return votes, resolved


def winner(evidence, votes, resolved):
    """(identity_id, distinct DJs) the strongest evidence agrees on, or (None, 0).

    A resolved conflict names its identity; otherwise the most distinct DJs win, and a tie
    has no winner (flagged, never settled by chance)."""
    for kind_value in evidence:
        if kind_value in resolved:
            identity_id = resolved[kind_value]
            return identity_id, len(votes[kind_value].get(identity_id, ()))
        counts = sorted(((len(djs), identity_id) for identity_id, djs in votes[kind_value].items()), reverse=True)
        if counts and (len(counts) == 1 or counts[0][0] > counts[1][0]):
            return counts[0][1], counts[0][0]
    return None, 0


def suggestions(evidence, votes, resolved, identities):
    """[{identity, source, confirmations}] best first: every recording DJs linked to this
    evidence, the winner first, then by distinct DJs."""
    best = {}
    for kind, value in evidence:
        for identity_id, djs in votes[(kind, value)].items():
            source = "isrc" if kind == ISRC else "crowd"
            if identity_id not in best or len(djs) > best[identity_id][1]:
                best[identity_id] = (source, len(djs))
    first, _ = winner(evidence, votes, resolved)
    ordered = sorted(best.items(), key=lambda item: (item[0] != first, -item[1][1], item[0]))
    return [
        {"identity": identities[identity_id].as_json(), "source": source, "confirmations": count}
        for identity_id, (source, count) in ordered
        if identity_id in identities
    ]


def auto_match(played, isrc="", created=False, later=False):
    """Called when a track is stored: link it to the recording at least AUTO_MATCH_DJS
    distinct DJs confirmed for its evidence. Returns the link (the one it has already,
    unless `created`: a track stored just now has none).

    `later` (a committed track, inside a request): an unmatched track's link is written
    after the response, once the phones have the track: the answer is known without it,
    and the DJ's agent and the room wait for one statement less (docs/benchmarks.md,
    "Sixth sitting")."""
    if not created:
        link = TrackLink.objects.filter(played=played).select_related("identity").first()
        if link is not None:
            return link
    evidence = evidence_for(played, isrc)
    votes, resolved = votes_for([evidence])
    identity_id, djs = winner(evidence, votes, resolved)
    identity = None
    if identity_id is not None and djs >= AUTO_MATCH_DJS:
        identity = Track.objects.filter(pk=identity_id).first()
    link = TrackLink(played=played, isrc=clean_isrc(isrc), identity=identity, auto=identity is not None)
    if identity is None and later:
        after_response(store_unmatched_link, link)
    else:
        link.save()
    return link


def store_unmatched_link(link):
    """Write a link auto_match left for after the response. A DJ who confirmed or skipped
    the track in between made it already: it keeps their answer and gains the ISRC."""
    try:
        link.save()  # in autocommit (the only caller's case): one INSERT, no transaction
    except IntegrityError:
        if link.isrc:
            TrackLink.objects.filter(played_id=link.played_id).update(isrc=link.isrc)


def identity_json(link):
    if link is None or link.identity is None:
        return None
    return link.identity.as_json(auto=link.auto)


def confirm(dj, played, identity):
    """`dj` says `played` is `identity`: store the confirmation, link the track, and flag
    any evidence now confirmed as two recordings."""
    with transaction.atomic():
        link, _ = TrackLink.objects.get_or_create(played=played)
        evidence = evidence_for(played, link.isrc)
        fields = {FIELD[kind]: value for kind, value in evidence}
        Confirmation.objects.update_or_create(
            dj=dj, played=played,
            defaults={"identity": identity, "created_at": timezone.now(), "file_hash": "", "isrc": "", "name_key": "", **fields},
        )
        link.identity, link.auto, link.skipped, link.updated_at = identity, False, False, timezone.now()
        link.rejected = [pk for pk in link.rejected if pk != identity.pk]  # the DJ changed their mind
        link.save()
        votes, _ = votes_for([evidence])
        for kind_value in evidence:
            if len(votes[kind_value]) > 1:
                Conflict.objects.get_or_create(kind=kind_value[0], value=kind_value[1])
    return link


def reject(dj, played, identity):
    """`dj` says `played` is not `identity`: it is never suggested for this track again; if
    the track was matched to it (by the crowd or by this DJ), it is unmatched and this DJ's
    confirmation of it withdrawn, so their vote no longer counts for it."""
    with transaction.atomic():
        link, _ = TrackLink.objects.get_or_create(played=played)
        if identity.pk not in link.rejected:
            link.rejected.append(identity.pk)
        if link.identity_id == identity.pk:
            link.identity, link.auto = None, False
        link.updated_at = timezone.now()
        link.save()
        Confirmation.objects.filter(dj=dj, played=played, identity=identity).delete()
    return link


def skip(played):
    link, _ = TrackLink.objects.get_or_create(played=played)
    link.skipped, link.updated_at = True, timezone.now()
    link.save(update_fields=["skipped", "updated_at"])
    return link


def identity_as_played(played):
    """The recording for "confirm as played": the one already known under the same
    normalised artist + title, else a new one."""
    key = name_key(played.artist, played.title)
    existing = Track.objects.filter(name_key=key).order_by("pk").first() if key else None
    if existing is not None:
        return existing
    link = TrackLink.objects.filter(played=played).first()
    return Track.objects.create(
        artist=played.artist, title=played.title, album=played.album, duration_ms=played.duration_ms,
        isrc=link.isrc if link else "", name_key=key,
    )


def identity_for_spotify(played, uri):
    """The recording with that Spotify URI, created from the played names if new."""
    existing = Track.objects.filter(spotify_uri=uri).order_by("pk").first()
    if existing is not None:
        return existing
    return Track.objects.create(
        artist=played.artist, title=played.title, album=played.album, duration_ms=played.duration_ms,
        spotify_uri=uri, name_key=name_key(played.artist, played.title),
    )


def entries(tracks):
    """The verification entries of `tracks` (played order), in a fixed number of queries."""
    tracks = list(tracks)
    links = {
        link.played_id: link
        for link in TrackLink.objects.filter(played__in=tracks).select_related("identity", "spotify_suggestion")
    }
    evidences = [evidence_for(track, getattr(links.get(track.pk), "isrc", "")) for track in tracks]
    votes, resolved = votes_for(evidences)
    ids = {identity_id for kind_votes in votes.values() for identity_id in kind_votes}
    identities = Track.objects.in_bulk(ids)
    result = []
    for track, evidence in zip(tracks, evidences):
        link = links.get(track.pk)
        result.append({
            "id": track.pk, "artist": track.artist, "title": track.title,
            "identity": identity_json(link),
            "skipped": bool(link and link.skipped),
            "suggestions": [
                suggestion
                for suggestion in suggestions(evidence, votes, resolved, identities) + spotify_suggestion(link, votes, evidence)
                if not link or suggestion["identity"]["id"] not in link.rejected
            ],
        })
    return result


def spotify_suggestion(link, votes, evidence):
    """Spotify's proposal, after the crowd's, unless the crowd already proposes it."""
    found = link.spotify_suggestion if link else None
    if found is None or any(found.pk in votes[kind_value] for kind_value in evidence):
        return []
    return [{"identity": found.as_json(), "source": "spotify", "confirmations": 0}]


def queue_spotify_search(dj_set):
    """Ask Spotify about the set's unmatched tracks in a task (never inside a page)."""
    if spotify.configured():
        from django_q.tasks import async_task

        async_task("crate.tasks.search_spotify", dj_set.pk)


def search_spotify(dj_set_id):
    """Search Spotify once for each unmatched, unskipped track of the set: ISRC first,
    then artist + title. Stops quietly when Spotify is busy or down (the next visit asks
    again). Asks with the curator account, else with the set's DJ's own. Returns how many
    tracks got a suggestion."""
    if not spotify.configured():
        return 0
    accounts = [SpotifyAccount.curator(), SpotifyAccount.objects.filter(owner__dj_sets=dj_set_id).first()]
    account = next((account for account in accounts if account is not None and account.usable), None)
    if account is None:
        return 0  # nothing to ask with (a revoked account waits for its owner to reconnect)
    client = spotify.SpotifyClient(account)
    found = 0
    pending = TrackLink.objects.filter(
        played__dj_set_id=dj_set_id, identity__isnull=True, skipped=False, spotify_searched=False
    ).select_related("played")
    for link in pending:
        try:
            item = client.search_track(link.played.artist, link.played.title, isrc=link.isrc)
        except (spotify.SpotifyUnavailable, spotify.SpotifyError):
            break
        if item is not None:
            link.spotify_suggestion = identity_from_spotify(item)
            found += 1
        link.spotify_searched = True
        link.save(update_fields=["spotify_suggestion", "spotify_searched"])
    return found


def identity_from_spotify(item):
    existing = Track.objects.filter(spotify_uri=item["uri"]).order_by("pk").first()
    if existing is not None:
        return existing
    artist = ", ".join(a["name"] for a in item.get("artists", [])[:3]) or "Unknown artist"
    return Track.objects.create(
        artist=artist, title=item.get("name", ""), album=item.get("album", {}).get("name", ""),
        duration_ms=item.get("duration_ms"), isrc=(item.get("external_ids") or {}).get("isrc", "")[:12],
        spotify_uri=item["uri"], name_key=name_key(artist, item.get("name", "")),
    )
