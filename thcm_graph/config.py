"""All configuration in one place: environment variables ``THCM_*``, read once.

Only the CLI and the web app build a :class:`Settings` (with :func:`load_settings`); every other
module receives one as an argument. Each field's description is its documentation
(``thcm settings`` prints them, and ``docs/configuration.md`` is checked against them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ConfigError

ENV_PREFIX = "THCM_"


def _default_project_dir() -> Path:
    """The checkout this package was installed from (editable install), else the working directory."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "ontology").is_dir() and (here / "shapes").is_dir() else Path.cwd()


class Settings(BaseSettings):
    """thcm-graph's settings; each can be set as ``THCM_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    project_dir: Path = Field(
        default_factory=_default_project_dir,
        description="Checkout holding ontology/, shapes/ and data/; the other paths default to folders in it.",
    )
    data_dir: Path | None = Field(None, description="Curated data: data/<graph-name>/*.ttl. Default: <project_dir>/data.")
    input_files: str = Field(
        "",
        description=(
            "Extra N-Quads dumps (.nq, .nq.gz) the build reads besides data/ and the imports, separated by ':', "
            "e.g. synthetic data from `thcm synth` (graph names from the quads, under https://w3id.org/thcm/graph/)."
        ),
    )
    ontology_dir: Path | None = Field(None, description="Ontology files (*.ttl). Default: <project_dir>/ontology.")
    shapes_dir: Path | None = Field(None, description="SHACL shapes (*.ttl). Default: <project_dir>/shapes.")
    state_dir: Path | None = Field(
        None, description="Where builds are published (stores/, current -> stores/<build-id>). Default: <project_dir>/var."
    )
    store: str = Field(
        "oxigraph",
        description=(
            "Store backend. 'oxigraph': the published on-disk pyoxigraph store in state_dir. "
            "'sparql+http://host:port/sparql' (or sparql+https://): a SPARQL 1.1 server, queried at that URL (docs/remote.md)."
        ),
    )
    store_update_url: str | None = Field(
        None, description="SPARQL 1.1 Update URL of the remote store. Default: the query URL of THCM_STORE."
    )
    store_gsp_url: str | None = Field(
        None,
        description="Graph Store HTTP Protocol URL of the remote store (Virtuoso: /sparql-graph-crud). Unset: load with INSERT DATA.",
    )
    store_user: str | None = Field(None, description="User name for the remote store (HTTP digest or basic authentication).")
    store_password: SecretStr | None = Field(None, description="Password for the remote store; set it in the environment, never in files.")
    serve_in_memory: bool = Field(
        True,
        description="Serve from an in-memory copy of the published store (5-11x faster joins, DESIGN.md §6) instead of reading it on disk.",
    )
    host: str = Field("127.0.0.1", description="Interface `thcm serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `thcm serve` listens on.")
    keep_builds: int = Field(3, ge=1, description="Published builds kept on disk (the current one included); older ones are removed.")
    reload_interval: float = Field(
        1.0, ge=0, description="Seconds between checks of the server for a newly published build (0: check on every request)."
    )
    query_timeout: float = Field(
        30.0, gt=0, description="Seconds a SPARQL query may run before its worker process is killed and the client gets an error."
    )
    max_result_bytes: int = Field(
        64 * 2**20, ge=1024, description="Largest serialised query result in bytes; larger results are refused (add a LIMIT)."
    )
    max_workers: int = Field(
        16, ge=1, description="Queries evaluated at once, each in its own worker process (the pool grows up to this); more wait."
    )
    pool_size: int = Field(
        4, ge=1, description="Idle query worker processes kept ready (forked once from the process holding the build); at most max_workers."
    )
    max_body_bytes: int = Field(
        1 * 2**20, ge=1024, description="Largest accepted request body (POSTed query or update) in bytes; larger gets 413."
    )
    cors_origins: str = Field(
        "*", description="Origins allowed to call the API from a browser (CORS), comma-separated; empty disables CORS."
    )
    update_token: SecretStr | None = Field(
        None,
        description="Bearer token that enables SPARQL Update at /sparql (validated and published like a build). Unset: read-only.",
    )
    debug_pause_before_switch: float = Field(
        0.0,
        ge=0,
        description="Fault-injection for tests: seconds a build waits, fully written, before switching 'current'. Keep 0.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000",
        description=(
            "Public address of the service, used in the DCAT-AP and VoID descriptions for the SPARQL endpoint and the /downloads links."
        ),
    )

    @field_validator("base_url")
    @classmethod
    def _http_base_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// address, e.g. https://thcm.example.org")
        return value.rstrip("/")

    @field_validator("update_token")
    @classmethod
    def _strong_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("the update token must be at least 16 characters")
        return value

    @field_validator("store")
    @classmethod
    def _known_store(cls, value: str) -> str:
        if value != "oxigraph" and not value.startswith(("sparql+http://", "sparql+https://")):
            raise ValueError(
                f"unknown store {value!r}; use 'oxigraph' (the embedded store) or "
                "'sparql+http://host:port/sparql' (a SPARQL 1.1 server)"
            )
        return value

    @field_validator("store_update_url", "store_gsp_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// address")
        return value

    @property
    def remote_store(self) -> bool:
        """True when THCM_STORE names a SPARQL server rather than the embedded store."""
        return self.store.startswith("sparql+")

    @property
    def store_query_url(self) -> str:
        """The query URL of the remote store (THCM_STORE without its ``sparql+`` scheme prefix)."""
        return self.store.removeprefix("sparql+")

    def _under_project(self, value: Path | None, name: str) -> Path:
        return (value if value is not None else self.project_dir / name).resolve()

    @property
    def input_paths(self) -> list[Path]:
        """The files of ``input_files`` (relative ones against the working directory)."""
        return [Path(p).resolve() for p in self.input_files.split(":") if p.strip()]

    @property
    def data_path(self) -> Path:
        return self._under_project(self.data_dir, "data")

    @property
    def ontology_path(self) -> Path:
        return self._under_project(self.ontology_dir, "ontology")

    @property
    def shapes_path(self) -> Path:
        return self._under_project(self.shapes_dir, "shapes")

    @property
    def state_path(self) -> Path:
        return self._under_project(self.state_dir, "var")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings from the environment; ``overrides`` (e.g. CLI options) win.

    A malformed value raises :class:`ConfigError` naming the environment variable.
    """
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "?"
            given = "***" if field in ("update_token", "store_password") else err.get("input")
            problems.append(f"{ENV_PREFIX}{field.upper()}={given!r}: {err['msg']}")
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems)) from None


def describe_settings() -> list[tuple[str, str, str]]:
    """(environment variable, default, description) for every setting, for docs and ``thcm settings``."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = "(derived)" if field.default_factory is not None or field.default is None else repr(field.default)
        rows.append((ENV_PREFIX + name.upper(), default, field.description or ""))
    return rows
