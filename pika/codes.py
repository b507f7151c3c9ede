"""Short unguessable codes for public URLs and QR codes (never sequential ids)."""

import secrets

# No 0/O, 1/l/I: a code read aloud or typed from a printed sheet must survive.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"


def new_code(length=8):
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def unique_code(model, field="code", length=8):
    while True:
        code = new_code(length)
        if not model.objects.filter(**{field: code}).exists():
            return code
