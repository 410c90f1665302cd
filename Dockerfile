# ordinance container image: `ordinance audit` for the scheduled audit (deploy/audit/).
#   docker build -t ordinance:0.1.0 .
#   docker run --rm ordinance:0.1.0                      # audit --help
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY engine ./engine
COPY policies ./policies
RUN pip install --no-cache-dir ".[aws]" \
    && rm -rf /src \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin ordinance

USER 10001:10001
WORKDIR /home/ordinance
ENTRYPOINT ["ordinance"]
CMD ["audit", "--help"]
