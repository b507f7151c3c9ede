"""Mixxx through a real night: the DJ's actions that rewrite the history lose and double nothing.

Each test drives a library written the way Mixxx writes it (tests/agent/fake_mixxx.py)
and the agent's loop against a fake Pika! server, reading after every action.
"""

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from pika_dj.agent import Agent
from pika_dj.client import PikaClient
from pika_dj.queue import PlayQueue
from pika_dj.sources.mixxx import MixxxSource
from tests.agent.fake_mixxx import FakeMixxx
from tests.agent.fake_pika import TOKEN


@pytest.fixture
def night(fake_pika, tmp_path):
    # Times are UTC, as Mixxx stores them, and in the past so nothing is "playing now" at start.
    started = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0) - timedelta(hours=3)
    mixxx = FakeMixxx(tmp_path / "mixxxdb.sqlite", started)
    songs = {
        name: mixxx.add_track(artist, name, duration=200.0)
        for artist, name in [
            ("Ella Henderson", "Ghost"), ("Bruno Mars", "Treasure"), ("Christina Aguilera", "Hurt"),
            ("Sam Smith", "Stay With Me"), ("Jessie Ware", "Say You Love Me"), ("Léa Paci", "Tête baissée"),
            ("Rag'n'Bone Man", "Human"), ("Dua Lipa", "Levitating"),
        ]
    }
    client = PikaClient(fake_pika.url, TOKEN)
    session = client.start_session()
    queue = PlayQueue(tmp_path / "state")
    queue.start_session(session)
    mixxx.start()
    agent = Agent(client, MixxxSource(mixxx.path), queue, session["id"], lambda message: None)
    agent.step()  # going live: the history is empty

    def play(*names):
        for name in names:
            mixxx.wait(minutes=4)
            mixxx.play(songs[name])
            agent.step()

    yield SimpleNamespace(mixxx=mixxx, agent=agent, play=play, songs=songs, posted=lambda: fake_pika.posted(session["id"]))
    queue.close()
    client.close()


def titles(night):
    return [title for _, title in night.posted()]


def test_a_removed_row_and_the_next_play_reusing_its_id(night):
    night.play("Ghost", "Treasure")
    night.mixxx.remove(position=2)  # logged by mistake: the DJ removes it
    night.agent.step()
    night.play("Hurt")  # SQLite gives this row the removed row's id

    assert titles(night) == ["Ghost", "Treasure", "Hurt"]


def test_a_restart_that_deletes_the_short_history_loses_no_later_play(night):
    night.play("Ghost", "Treasure", "Hurt")
    night.mixxx.quit()
    night.mixxx.wait(minutes=1)
    night.mixxx.start(keep_histories_with_at_least=5)  # the 3-track history is deleted
    night.agent.step()
    night.play("Stay With Me", "Say You Love Me", "Tête baissée", "Human")

    assert titles(night) == [
        "Ghost", "Treasure", "Hurt", "Stay With Me", "Say You Love Me", "Tête baissée", "Human",
    ]


def test_finish_current_and_start_new_is_followed(night):
    night.play("Ghost", "Treasure")
    night.mixxx.finish_and_start_new()  # "<date> #2"
    night.play("Hurt")
    night.mixxx.finish_and_start_new()  # "<date> #3"
    night.play("Stay With Me")

    assert titles(night) == ["Ghost", "Treasure", "Hurt", "Stay With Me"]


def test_join_with_previous_posts_nothing_again(night):
    night.play("Ghost", "Treasure")
    night.mixxx.finish_and_start_new()
    night.play("Hurt", "Stay With Me")
    # Read between Mixxx's copy and its delete too: both copies are visible then.
    night.mixxx.join_with_previous(between=night.agent.step)
    night.agent.step()
    night.play("Levitating")

    assert titles(night) == ["Ghost", "Treasure", "Hurt", "Stay With Me", "Levitating"]


def test_true_repeats_are_two_plays(night):
    night.play("Ghost", "Treasure", "Ghost")
    night.mixxx.play(night.songs["Ghost"])  # the same track again within the same second
    night.agent.step()

    assert titles(night) == ["Ghost", "Treasure", "Ghost", "Ghost"]


def test_a_night_of_every_action(night):
    night.play("Ghost", "Treasure", "Hurt")
    night.mixxx.remove(position=3)
    night.play("Stay With Me")
    night.mixxx.quit()
    night.mixxx.start(keep_histories_with_at_least=10)
    night.play("Say You Love Me")
    night.mixxx.finish_and_start_new()
    night.play("Tête baissée", "Human")
    night.mixxx.join_with_previous(between=night.agent.step)
    night.play("Levitating", "Ghost")

    assert titles(night) == [
        "Ghost", "Treasure", "Hurt", "Stay With Me", "Say You Love Me", "Tête baissée", "Human",
        "Levitating", "Ghost",
    ]
