FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIKA_VAR_DIR=/var/lib/pika
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pika pika
COPY accounts accounts
COPY events events
COPY stages stages
COPY crate crate
COPY announcements announcements
RUN pip install --no-cache-dir .
COPY . .
RUN python manage.py collectstatic --no-input -v0
EXPOSE 8000
CMD ["uvicorn", "pika.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--no-proxy-headers", "--no-access-log", "--ws-per-message-deflate", "false"]
