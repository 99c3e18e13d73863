/* thcm-graph web interface: helpers shared by the pages (no framework, no network but this server). */
"use strict";
window.Thcm = (function () {
  const ID = "https://w3id.org/thcm/id/";
  const ONTOLOGY = "https://w3id.org/thcm/ontology#";

  /** This server's page for one of our IRIs, else null. */
  function localPath(iri, root, lang) {
    let path = null;
    if (iri.startsWith(ID)) path = "/id/" + iri.slice(ID.length);
    else if (iri.startsWith(ONTOLOGY)) path = "/ontology/" + iri.slice(ONTOLOGY.length);
    if (path === null) return null;
    return (root || "") + path + (lang && lang !== "de" ? "?lang=" + lang : "");
  }

  /** A short form of an IRI for display. */
  function shortIri(iri) {
    if (iri.startsWith(ID)) return "id:" + iri.slice(ID.length);
    if (iri.startsWith(ONTOLOGY)) return "thcm:" + iri.slice(ONTOLOGY.length);
    return iri;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    }
    for (const child of children) node.append(child);
    return node;
  }

  /** The error message of a response in the service's shape {"error": {"message"}}. */
  async function errorOf(response) {
    const text = await response.text();
    try {
      const body = JSON.parse(text);
      if (body && body.error && body.error.message) return body.error.message;
      if (body && body.detail) return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (e) { /* not JSON */ }
    return text || response.statusText;
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(response.status + ": " + await errorOf(response));
    return response.json();
  }

  return { localPath, shortIri, el, errorOf, getJson };
})();
