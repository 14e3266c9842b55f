"""Typed settings, read from the environment (prefix ``KIMED_``) by :func:`get_settings`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting KIMed reads. Each field is documented in docs/settings.md."""

    model_config = SettingsConfigDict(env_prefix="KIMED_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Directory for the embedded database and other local state.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the database. Unset means SQLite in the data directory.",
    )
    max_import_bytes: int = Field(
        default=50 * 1024 * 1024,
        gt=0,
        description="Largest RDF file `kimed import` accepts, in bytes.",
    )
    require_all: bool = Field(
        default=False,
        description="Tests fail instead of skipping when a service or ../shared/data is missing.",
    )
    quality_check_links: bool = Field(
        default=False,
        description="Check that access and download URLs answer, for the quality score.",
    )
    quality_link_timeout: float = Field(
        default=5.0,
        gt=0,
        le=120,
        description="Seconds to wait for one URL in a quality link check.",
    )
    quality_link_cache_hours: float = Field(
        default=168.0,
        ge=0,
        description="How long a link check result is reused before the URL is checked again.",
    )
    spe_master_key_file: Path | None = Field(
        default=None,
        description="File holding the SPE vault's master key (base64 of 32 bytes); mode 0600.",
    )
    spe_master_key: SecretStr | None = Field(
        default=None,
        description="The SPE vault's master key itself (base64 of 32 bytes), instead of a key file.",
    )
    spe_allow_unsandboxed: bool = Field(
        default=False,
        description="Let SPE jobs run without bubblewrap (development only); each job says so.",
    )
    spe_bwrap: str = Field(
        default="bwrap",
        description="The bubblewrap program (a name on PATH or a path) that sandboxes SPE jobs.",
    )
    spe_dask_address: str | None = Field(
        default=None,
        description="Address of a Dask scheduler for SPE jobs; unset means the local process pool.",
    )
    spe_workers: int = Field(
        default=2, ge=1, le=256,
        description="How many SPE jobs the local process pool runs at once.",
    )
    spe_job_cpu_seconds: int = Field(
        default=3600, ge=1,
        description="CPU seconds one SPE job may use (RLIMIT_CPU).",
    )
    spe_job_memory_mb: int = Field(
        default=4096, ge=64,
        description="Address space of one SPE job in MiB (RLIMIT_AS).",
    )
    spe_job_timeout_seconds: float = Field(
        default=14400.0, gt=0,
        description="Wall-clock seconds after which an SPE job is stopped.",
    )
    shared_data_dir: Path = Field(
        default=Path(__file__).resolve().parents[3] / "shared" / "data",
        description="Where the reference data of ../shared/data lives (tests and benchmarks).",
    )
    spe_assessment_file: Path | None = Field(
        default=None,
        description="A deployment's SPE self-assessment (YAML) shown at /spe/assessment.",
    )
    spe_risk_appetite: Path | None = Field(
        default=None,
        description="YAML file overriding the airlock's disclosure-check thresholds (risk appetite).",
    )
    spe_feasibility_min: int = Field(
        default=7, ge=0,
        description="Feasibility counts at or below this are not shown (suppressed).",
    )
    spe_feasibility_round: int = Field(
        default=5, ge=1,
        description="Feasibility counts above the minimum are rounded to a multiple of this.",
    )
    spe_feasibility_rate: int = Field(
        default=20, ge=0,
        description="Feasibility queries one account may make per hour.",
    )

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'kimed.sqlite').resolve()}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings. Tests call ``get_settings.cache_clear()`` after changing env."""
    return Settings()
