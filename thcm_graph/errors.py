"""The exceptions thcm-graph raises, and what a user can do about each.

Every error meant for a person carries a message that says what went wrong, where, and how to
fix it. User errors (bad data, bad query, bad configuration) derive from :class:`InputError`;
anything else that escapes is a bug and is reported as one.

    ThcmError
    ├── InputError                  fixable by whoever supplied the input
    │   ├── ConfigError             a THCM_* setting is missing or malformed
    │   ├── DataSyntaxError         a data file does not parse (file, line, column)
    │   ├── ValidationFailed        the data violates the SHACL shapes (focus node, path, value)
    │   └── QueryError              a SPARQL query is malformed or cannot be answered
    ├── StoreError                  the store cannot be used as asked
    │   ├── StoreNotBuilt           nothing has been published yet
    │   ├── StoreUnavailable        the SPARQL server does not answer (its URL in the message)
    │   └── BuildInProgress         another build holds the build lock
    └── QueryTimeout                a query ran longer than its time limit
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ThcmError(Exception):
    """Base class of every error thcm-graph raises on purpose."""


class InputError(ThcmError):
    """Bad input: the message says what to change."""


class ConfigError(InputError):
    """A setting is missing or malformed; the message names the environment variable."""


@dataclass(frozen=True)
class SyntaxProblem:
    """Where a data file stops being valid RDF."""

    path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class DataSyntaxError(InputError):
    """One or more data files do not parse."""

    def __init__(self, problems: Sequence[SyntaxProblem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} file(s) could not be parsed:\n{lines}")


class ValidationFailed(InputError):
    """The data does not conform to the shapes. ``report`` holds every result."""

    def __init__(self, report: object, summary: str) -> None:
        self.report = report
        super().__init__(summary)


class QueryError(InputError):
    """A SPARQL query could not be parsed or evaluated; the message gives the position."""


class StoreError(ThcmError):
    """The store cannot be opened or used as asked."""


class StoreNotBuilt(StoreError):
    """No build has been published yet in the state directory."""


class BuildInProgress(StoreError):
    """Another ``thcm build`` holds the lock of the state directory."""


class StoreUnavailable(StoreError):
    """The remote SPARQL server is down, refuses the connection or fails; the message names its URL."""


class QueryTimeout(ThcmError):
    """A query ran longer than the configured limit and was stopped."""
