# The archive's image for docker-compose.yml: web, worker and beat run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 ARCHIVE_DATA_DIR=/data OMP_THREAD_LIMIT=1
# The one list of runtime packages, shared with scripts/run and scripts/system-packages.
COPY scripts/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
 && sed -e 's/#.*//' -e '/^[[:space:]]*$/d' /tmp/runtime-packages.txt \
    | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt

WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN useradd --system --home /app archive && mkdir -p /data && chown archive /data
USER archive
EXPOSE 8000
# Bound to 0.0.0.0:8000; processes and threads in config/gunicorn.py (WEB_WORKERS, WEB_THREADS).
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.py"]
