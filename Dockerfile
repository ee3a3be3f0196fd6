# Image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN DJANGO_ENV=production SECRET_KEY=build-only-collectstatic-key-that-is-long-enough-000000 \
    python manage.py collectstatic --noinput
USER nobody
EXPOSE 8000
