FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIKA_VAR_DIR=/var/lib/pika PIKA_STATIC_ROOT=/app/staticfiles
WORKDIR /app
# Exactly the locked versions (make lock), then our code without re-resolving anything.
COPY requirements.lock ./
RUN pip install --no-cache-dir --no-deps -r requirements.lock
COPY pyproject.toml README.md ./
COPY pika pika
COPY accounts accounts
COPY events events
COPY stages stages
COPY crate crate
COPY announcements announcements
COPY dj dj
RUN pip install --no-cache-dir --no-deps .
COPY . .
# Hashed, compressed static files, in the image (PIKA_STATIC_ROOT), not in the state volume.
RUN python manage.py collectstatic --no-input -v0
# Never root: the app writes only to its state folder (VAPID key).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin pika \
    && mkdir -p /var/lib/pika && chown -R pika:pika /var/lib/pika
USER pika
# The image is the production shape: SECRET_KEY and an https PIKA_BASE_URL are required.
ENV PIKA_PRODUCTION=1
EXPOSE 8000
CMD ["uvicorn", "pika.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", "--no-access-log", "--lifespan", "off", "--ws-per-message-deflate", "false"]
