/* The small neighbourhood graph of an entity page: its directly linked resources (SPARQL, Cytoscape.js). */
"use strict";
(function () {
  const box = document.getElementById("neighbourhood");
  if (!box || !window.cytoscape) return;
  const { localPath } = window.Thcm;
  const iri = box.dataset.iri;
  const lang = box.dataset.lang;
  const query = `
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
SELECT ?other ?p ?dir (SAMPLE(COALESCE(?l, ?any)) AS ?label) WHERE {
  { <${iri}> ?p ?other . BIND("out" AS ?dir) } UNION { ?other ?p <${iri}> . BIND("in" AS ?dir) }
  FILTER(isIRI(?other) && STRSTARTS(STR(?other), "https://w3id.org/thcm/id/") && ?other != <${iri}>)
  FILTER(!STRSTARTS(STR(?other), "https://w3id.org/thcm/id/obs/") && !STRSTARTS(STR(?other), "https://w3id.org/thcm/id/analysis/"))
  OPTIONAL { ?other skos:prefLabel|dct:title ?l FILTER(lang(?l) = "${lang}") }
  OPTIONAL { ?other skos:prefLabel|dct:title ?any }
} GROUP BY ?other ?p ?dir ORDER BY ?dir ?p LIMIT 30`;
  fetch(box.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json" },
    body: new URLSearchParams({ query: query }).toString(),
  }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText)))).then(function (data) {
    const nodes = new Map([[iri, { data: { id: iri, label: box.dataset.title, centre: 1 } }]]);
    const edges = [];
    data.results.bindings.forEach(function (b, i) {
      const other = b.other.value;
      if (!nodes.has(other)) nodes.set(other, { data: { id: other, label: b.label ? b.label.value : other.split("/").pop() } });
      const p = b.p.value.replace(/^.*[#/]/, "");
      edges.push({ data: { id: "e" + i, source: b.dir.value === "out" ? iri : other, target: b.dir.value === "out" ? other : iri, label: p } });
    });
    if (nodes.size === 1) { box.parentElement.hidden = true; return; }
    const labelled = edges.length <= 12;  // edge labels only where they stay readable
    const cy = window.cytoscape({
      container: box,
      elements: [...nodes.values(), ...edges],
      layout: { name: "concentric", concentric: (n) => (n.data("centre") ? 2 : 1), levelWidth: () => 1, minNodeSpacing: nodes.size < 12 ? 110 : 60, padding: 10, animate: false },
      userZoomingEnabled: false,
      maxZoom: 1.3,
      style: [
        { selector: "node", style: { "background-color": "#0b4f9c", label: "data(label)", width: 14, height: 14, "font-size": 10, "text-valign": "bottom", "text-margin-y": 2, "text-background-color": "#fff", "text-background-opacity": 0.85,
          "text-wrap": "wrap", "text-max-width": 120, color: "#111" } },
        { selector: "node[centre]", style: { "background-color": "#b35900", width: 22, height: 22, "font-weight": "bold" } },
        { selector: "edge", style: { width: 1.5, "line-color": "#767676", "target-arrow-color": "#767676", "target-arrow-shape": "triangle",
          "curve-style": "bezier", label: labelled ? "data(label)" : "", "font-size": 8, color: "#333", "text-rotation": "autorotate" } },
      ],
    });
    cy.on("tap", "node", function (event) {
      const href = localPath(event.target.id(), box.dataset.root, lang);
      if (href && event.target.id() !== iri) window.location.href = href;
    });
  }).catch(function () { box.parentElement.hidden = true; });
})();
