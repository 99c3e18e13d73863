"""Settings: read from THCM_* once, errors name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from thcm_graph.config import describe_settings, load_settings
from thcm_graph.errors import ConfigError


def test_environment_sets_values(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("THCM_PORT", "8123")
    monkeypatch.setenv("THCM_STATE_DIR", str(tmp_path / "state"))
    settings = load_settings()
    assert settings.port == 8123
    assert settings.state_path == (tmp_path / "state").resolve()


def test_paths_default_to_the_project_folder(tmp_path: Path) -> None:
    settings = load_settings(project_dir=tmp_path)
    assert settings.data_path == tmp_path.resolve() / "data"
    assert settings.state_path == tmp_path.resolve() / "var"


@pytest.mark.parametrize("name,value,hint", [
    ("THCM_PORT", "eighty", "valid integer"),
    ("THCM_PORT", "70000", "less than or equal to 65535"),
    ("THCM_STORE", "virtuoso://127.0.0.1:8890/sparql", "'sparql+http://host:port/sparql'"),
    ("THCM_STORE_GSP_URL", "127.0.0.1:8890/sparql-graph-crud", "http:// or https://"),
    ("THCM_KEEP_BUILDS", "0", "greater than or equal to 1"),
])
def test_malformed_value_names_the_variable(monkeypatch: pytest.MonkeyPatch, name: str, value: str, hint: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert f"{name}={value!r}" in str(caught.value)
    assert hint in str(caught.value)


def test_every_setting_is_described() -> None:
    for name, _, description in describe_settings():
        assert name.startswith("THCM_") and len(description) > 10, name


def test_remote_store_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THCM_STORE", "sparql+https://rdf.example.org/sparql")
    monkeypatch.setenv("THCM_STORE_PASSWORD", "not-in-any-file")
    settings = load_settings()
    assert settings.remote_store and settings.store_query_url == "https://rdf.example.org/sparql"
    assert "not-in-any-file" not in repr(settings)  # a SecretStr
    assert not load_settings(store="oxigraph").remote_store
