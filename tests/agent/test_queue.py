"""The on-disk queue: order, no doubles, and everything survives a restart."""

import pytest

from pika_dj.queue import PlayQueue, StateLocked


def track(n):
    return {"artist": "A", "title": f"T{n}", "source_id": f"s{n}"}


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state"


def test_pending_in_queue_order_and_survives_reopening(state):
    queue = PlayQueue(state)
    queue.start_session({"id": 7, "code": "abc"})
    for n in (1, 2, 3):
        assert queue.enqueue(track(n))
    queue.mark_sent(queue.pending()[0].seq)
    queue.close()

    reopened = PlayQueue(state)
    assert reopened.session() == {"id": 7, "code": "abc"}
    assert [item.payload for item in reopened.pending()] == [track(2), track(3)]
    assert reopened.pending_count() == 2
    reopened.close()


def test_a_play_is_queued_once_even_after_it_was_sent(state):
    queue = PlayQueue(state)
    queue.start_session({"id": 1})
    assert queue.enqueue(track(1))
    queue.mark_sent(queue.pending()[0].seq)
    queue.close()

    queue = PlayQueue(state)
    assert queue.is_known("s1")
    assert not queue.enqueue(track(1))
    assert queue.pending() == []
    queue.close()


def test_baseline_marks_plays_seen_without_sending(state):
    queue = PlayQueue(state)
    queue.start_session({"id": 1})
    assert not queue.has_baseline("virtualdj:/x")
    queue.set_baseline("virtualdj:/x", ["old1", "old2"])

    assert queue.has_baseline("virtualdj:/x")
    assert queue.is_known("old1") and queue.is_known("old2")
    assert queue.pending() == []
    queue.close()


def test_rejected_tracks_leave_the_queue(state):
    queue = PlayQueue(state)
    queue.start_session({"id": 1})
    queue.enqueue(track(1))
    queue.enqueue(track(2))
    queue.mark_rejected(queue.pending()[0].seq)
    assert [item.payload for item in queue.pending()] == [track(2)]
    queue.close()


def test_a_new_set_starts_from_a_clean_slate(state):
    queue = PlayQueue(state)
    queue.start_session({"id": 1})
    queue.set_baseline("k", ["old"])
    queue.enqueue(track(1))
    queue.start_session({"id": 2})

    assert queue.session() == {"id": 2}
    assert not queue.has_baseline("k")
    assert not queue.is_known("s1") and queue.pending() == []
    queue.clear_session()
    assert queue.session() is None
    queue.close()


def test_one_agent_per_state_dir(state):
    first = PlayQueue(state)
    with pytest.raises(StateLocked, match="another pika-dj agent is already running"):
        PlayQueue(state)
    first.close()
    PlayQueue(state).close()


class CutOffAtCommit:
    """The queue's connection, with Ctrl-C arriving just as a COMMIT is sent."""

    def __init__(self, db):
        self.db = db
        self.armed = True

    def execute(self, sql, *args):
        if sql == "COMMIT" and self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return self.db.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.db, name)


def test_a_transaction_cut_off_by_a_signal_leaves_the_queue_usable(state):
    queue = PlayQueue(state)
    queue.start_session({"id": 1})
    queue._db = CutOffAtCommit(queue._db)
    with pytest.raises(KeyboardInterrupt):
        queue.enqueue(track(1))
    # Ending the set then queues what the history still holds (it was "a transaction within
    # a transaction" before): the cut-off write is gone, and the play is queued once.
    assert not queue.is_known("s1")
    assert queue.enqueue(track(1))
    assert [item.payload for item in queue.pending()] == [track(1)]
    queue.close()
