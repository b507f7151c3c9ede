"""What the stages app tells the apps above it, which it must not import.

All are sent after the change is committed.
"""

from django.dispatch import Signal

# A set went live on a stage (sender=DJSet, dj_set_id=...): followers may be told.
set_started = Signal()

# What a stage shows changed: a set started or ended there, or a track was played
# (sender=Stage, stage=..., card={"stage", "dj_set", "track"}: what the room shows now,
# so receivers need not ask again). Receivers send their own view of that stage.
stage_changed = Signal()

# A set's state changed: it started, ended or a track was played (sender=DJSet,
# dj_set=...), Quick Start sets included. Receivers send their own view of it.
set_changed = Signal()

# A stage's listener count changed (sender=Stage, stage=..., listeners=...). Receivers
# return the [(group, html), ...] messages that show it; the caller sends them.
stage_audience_changed = Signal()

# A Quick Start set's listener count changed (sender=DJSet, dj_set=..., listeners=...):
# the same contract as stage_audience_changed, for sets that play on no stage.
set_audience_changed = Signal()

# A played track was stored or found again by the token API or the dashboard follower
# (sender=PlayedTrack, track=..., isrc="" or a clean ISRC, created=True when stored
# just now, False when found again by its source_id). Sent inside the request, before
# the answer: a receiver returns the track's identity ({...} or None) for the answer.
# Sent robustly: a failing receiver is logged and the track is stored all the same.
track_stored = Signal()
