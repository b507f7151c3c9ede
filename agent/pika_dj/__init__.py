"""pika-dj: the Pika! agent that follows DJ software and posts what is played."""

__version__ = "0.1.0"
