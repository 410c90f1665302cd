# ordinance container image: `ordinance audit` for the scheduled audit (deploy/audit/).
#   docker build -t ordinance:0.1.0 .
#   docker run --rm ordinance:0.1.0                      # audit --help
#   docker run --rm ordinance:0.1.0 rules                # the catalog baked into the image
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

# The organization's catalog (targets, principals, exemptions and rules) travels with the image, so a
# tag names both the code and the policy version that ran; root-owned and read-only for the audit user.
COPY policies.yaml /opt/ordinance/catalog/policies.yaml
COPY policies /opt/ordinance/catalog/policies
ENV ORDINANCE_CATALOG=/opt/ordinance/catalog

USER 10001:10001
WORKDIR /home/ordinance
ENTRYPOINT ["ordinance"]
CMD ["audit", "--help"]
