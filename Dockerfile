# The jobwire image: one image for `jobwire api`, `jobwire worker` and `jobwire setup`.

FROM node:20-bookworm-slim AS console
WORKDIR /src
COPY web/package.json web/package-lock.json web/
RUN npm ci --prefix web --no-audit --no-fund
COPY web web
RUN mkdir -p api/console && npm run --prefix web build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 JOBWIRE_ENVIRONMENT=production \
    JOBWIRE_LOG_FORMAT=json
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY jobwire jobwire
COPY workflows workflows
COPY activities activities
COPY api api
COPY realtime realtime
COPY examples examples
COPY --from=console /src/api/console/dist api/console/dist
RUN pip install --no-cache-dir --no-deps . && useradd --system jobwire
USER jobwire
EXPOSE 8000
CMD ["jobwire", "api"]
