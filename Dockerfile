# The bot in a container: docker build -t kz-diplomacy-bot . && docker run -e TELEGRAM_BOT_TOKEN=... kz-diplomacy-bot
# Stage 1 installs the package and its dependencies into a virtual environment; stage 2 copies
# only that environment and the fact base, so no build tools or caches reach the image.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot/ bot/
RUN pip install --no-cache-dir .

FROM python:3.11-slim
# No token here: it comes from the environment at `docker run -e TELEGRAM_BOT_TOKEN=...`.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    KNOWLEDGE_DIR=/app/knowledge \
    BOT_STATE_PATH=/data/bot_state.sqlite3 \
    UNANSWERED_PATH=/data/unanswered.sqlite3 \
    HEARTBEAT_PATH=/tmp/bot-heartbeat \
    PORT=8080
RUN useradd --no-log-init --create-home --uid 10001 bot \
    && mkdir /data \
    && chown bot /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
# The fact base; mount another over /app/knowledge, or point KNOWLEDGE_DIR at a volume.
COPY knowledge/ knowledge/
USER 10001
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
CMD ["python", "-m", "bot", "run"]
