"""One root for every error ordinance raises on purpose; the CLI maps them all to exit code 2."""

from __future__ import annotations


class OrdinanceError(Exception):
    """Base of every deliberate error. `str()` is a one-line message fit for a terminal."""


class CatalogError(OrdinanceError):
    """The rule catalog or policies.yaml is invalid."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None, key: str | None = None):
        self.file, self.line, self.key, self.detail = file, line, key, message
        where = file or "<catalog>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}" + (f" (at {key})" if key else ""))


MAX_DETAIL = 300


def one_line(text: str, limit: int = MAX_DETAIL) -> str:
    """Text from an input file (a key, a value) made fit for a one-line message: control characters
    escaped, long text cut."""
    flat = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return flat if len(flat) <= limit else flat[:limit] + "..."


class SourceError(OrdinanceError):
    """An input file could not be read as the format it claims to be."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        # Messages quote the input (keys, values); a newline in them must not break the one-line contract.
        message = one_line(message, 2 * MAX_DETAIL)
        self.file, self.line, self.detail = file, line, message
        where = file or "<input>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}")


class NotThisFormatError(SourceError):
    """Well-formed input that the content sniff took for a format it turns out not to be (e.g. a
    CloudFormation macro event that mentions Resources). Skipped and noted when found by walking a
    directory; an error when the file was named explicitly."""


class CompileError(OrdinanceError):
    """A rule cannot be compiled into a target (SCP, Config rule) as configured."""


class AuditError(OrdinanceError):
    """An account or region could not be assessed."""

    def __init__(self, message: str, account: str | None = None, region: str | None = None):
        self.account, self.region, self.detail = account, region, message
        where = "/".join(x for x in (account, region) if x)
        super().__init__(f"{where}: {message}" if where else message)


class ConditionTypeError(OrdinanceError):
    """A condition compared values of incompatible types; the verdict becomes `error`, never pass."""
