FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY worker ./worker
RUN pip install --no-cache-dir '.[ops]'
RUN useradd --system --create-home newsworker
USER newsworker
CMD ["newsworker", "worker"]
