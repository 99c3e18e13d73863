"""Linked-data exports of the published store: dumps in every RDF format, DCAT-AP 3.0.1 and VoID
descriptions, the S3 profile of the region, and framed JSON-LD views.

Modules, one job each: ``formats`` (the download formats), ``dumps`` (streaming serialisation),
``jsonld`` (context, compaction, framing), ``views`` (framed actors/fields), ``dcat`` (DCAT-AP),
``void`` (VoID), ``s3`` (S3 profile), ``dist`` (the ``dist/`` folder), ``identifiers`` (IRIs and
service URLs).
"""
