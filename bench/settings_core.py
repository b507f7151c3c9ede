"""Pika!'s settings with channels-redis' core layer instead of the pub/sub layer, to
compare the two (the core layer sends one Redis message per channel in a group)."""

from pika.settings import *  # noqa: F403

CHANNEL_LAYERS["default"]["BACKEND"] = "channels_redis.core.RedisChannelLayer"  # noqa: F405
