"""IRIs of the dataset descriptions, and the service addresses built from ``THCM_BASE_URL``.

The catalogue, dataset, distributions and service get stable ``https://w3id.org/thcm/…`` IRIs
(like every other resource, independent of where the service runs); where to *get* things
(``dcat:accessURL``, ``void:sparqlEndpoint``, ``void:dataDump``) is the configured base URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from .formats import DumpFormat

CATALOG = "https://w3id.org/thcm/catalog"
DATASET = "https://w3id.org/thcm/dataset"
SPARQL_SERVICE = "https://w3id.org/thcm/service/sparql"
DISTRIBUTION_NS = "https://w3id.org/thcm/dataset/distribution/"
SPARQL_DISTRIBUTION = DISTRIBUTION_NS + "sparql"
#: The URI space of the dataset's own resources (void:uriSpace).
URI_SPACE = "https://w3id.org/thcm/id/"


@dataclass(frozen=True)
class Region:
    """A NUTS region: its IRI in the EU NUTS dataset, code, level and names."""

    code: str
    level: int
    name_de: str
    name_en: str

    @property
    def iri(self) -> str:
        return "http://data.europa.eu/nuts/code/" + self.code


#: The region the data is about: NUTS 1 DEG, Thüringen.
REGION = Region("DEG", 1, "Thüringen", "Thuringia")


def distribution_iri(fmt: DumpFormat) -> str:
    """``https://w3id.org/thcm/dataset/distribution/<format>``."""
    return DISTRIBUTION_NS + fmt.key


@dataclass(frozen=True)
class ServiceUrls:
    """Where the running service offers things, from ``THCM_BASE_URL`` (no trailing slash)."""

    base: str

    @property
    def home(self) -> str:
        return self.base + "/"

    @property
    def sparql(self) -> str:
        return self.base + "/sparql"

    @property
    def catalog(self) -> str:
        return self.base + "/catalog"

    @property
    def void(self) -> str:
        return self.base + "/.well-known/void"

    def download(self, filename: str) -> str:
        return f"{self.base}/downloads/{filename}"
