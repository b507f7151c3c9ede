"""Liking a track the way a dancer's phone does."""


def like_url(track):
    return f"/live/{track.dj_set.code}/tracks/{track.pk}/like"


def like(phone, track, liked="1", **extra):
    return phone.post(like_url(track), {"liked": liked}, **extra)
