"""(d) Push: one announcement to 1000 Web Push subscriptions, delivered in under 20 s.

The hook for the announcements issue. When push lands in `announcements/` this suite
seeds 1000 subscriptions whose endpoints point at a local HTTP receiver, sends one
announcement through the real path (django-q2 worker, pywebpush), and measures the time
until the receiver has all 1000 deliveries. Until then it says plainly that nothing was
measured, and the docs' table shows the target as "not measured".
"""

import importlib.util


def push_landed():
    """Push has landed when announcements/ has its delivery module."""
    return importlib.util.find_spec("announcements.push") is not None


def run(world):
    if not push_landed():
        return {"measured": False, "reason": "push has not landed yet (no announcements.push)"}
    return {"measured": False, "reason": "push landed in announcements/ but bench/push.py does not drive it yet"}
