/* The hub explorer: /api/hubs (ranked, filtered by field), /api/field-map (Cytoscape.js), /api/bridges. */
"use strict";
(function () {
  const app = document.getElementById("hubs-app");
  const root = app.dataset.root;
  const lang = app.dataset.lang;
  const { el, localPath, getJson } = window.Thcm;
  const filter = document.getElementById("field-filter");
  const topInput = document.getElementById("top");
  const fieldA = document.getElementById("field-a");
  const fieldB = document.getElementById("field-b");
  let labels = {};
  let cy = null;
  let mapData = null;

  const actorLink = (iri, label) => el("a", { href: localPath(iri, root, lang) || iri, title: iri }, label || iri);

  function showError(box, error) {
    box.textContent = app.dataset.error + ": " + error.message;
    box.hidden = false;
  }

  /** The explanation, its first part shown and the rest behind a disclosure. */
  function explanation(text) {
    const cut = 280;
    if (text.length <= cut) return el("td", { class: "explanation", text: text });
    const at = text.lastIndexOf(" ", cut);
    const more = el("details", { class: "more" }, el("summary", { text: app.dataset.more }), text.slice(at + 1));
    return el("td", { class: "explanation" }, text.slice(0, at) + " … ", more);
  }

  async function loadHubs() {
    const status = document.getElementById("hub-status");
    const box = document.getElementById("hub-error");
    box.hidden = true;
    const params = new URLSearchParams({ top: topInput.value || "10" });
    if (filter.value) params.set("field", filter.value);
    const body = document.querySelector("#hub-table tbody");
    try {
      const data = await getJson(root + "/api/hubs?" + params.toString());
      body.replaceChildren(...data.hubs.map((h) => el("tr", { class: "hub" },
        el("td", { class: "num", text: String(h.rank) }),
        el("td", {}, actorLink(h.actor, h.label)),
        el("td", { class: "num", text: h.score.toFixed(1) }),
        el("td", { class: "num", text: String(h.fields) }),
        explanation(h.explanation))));
      status.textContent = data.hubs.length + " / " + (filter.value ? labels[filter.value] : app.dataset.all);
      if (cy) {
        cy.nodes().removeClass("selected");
        if (filter.value) cy.getElementById(filter.value).addClass("selected");
      }
    } catch (e) { showError(box, e); }
  }

  const SCHEME_COLOURS = ["#0b4f9c", "#b35900", "#2e7d32", "#6a1b9a", "#555555"];

  function drawMap(data) {
    const container = document.getElementById("field-map");
    if (!window.cytoscape) return;
    const minimum = Number(document.getElementById("min-weight").value || "1");
    const edges = data.edges.filter((e) => e.weight >= minimum);
    const linked = new Set();
    edges.forEach((e) => { linked.add(e.a); linked.add(e.b); });
    const schemes = [...new Set(data.fields.map((f) => f.scheme || ""))].sort();
    const colour = (scheme) => SCHEME_COLOURS[schemes.indexOf(scheme || "") % SCHEME_COLOURS.length];
    const maxWeight = Math.max(1, ...edges.map((e) => e.weight));
    const nodes = data.fields.filter((f) => linked.has(f.iri))
      .sort((x, y) => (x.scheme || "").localeCompare(y.scheme || "") || x.label.localeCompare(y.label));
    const elements = [
      ...nodes.map((f) => ({ data: { id: f.iri, label: f.label, size: 12 + 3 * Math.sqrt(f.actors), colour: colour(f.scheme) } })),
      ...edges.map((e, i) => ({ data: { id: "e" + i, source: e.a, target: e.b, weight: e.weight,
        width: 0.5 + 7 * e.weight / maxWeight, opacity: 0.25 + 0.65 * e.weight / maxWeight } })),
    ];
    if (cy) cy.destroy();
    cy = window.cytoscape({
      container: container,
      elements: elements,
      layout: { name: "circle", radius: 200, padding: 20, avoidOverlap: false },
      wheelSensitivity: 0.3,
      maxZoom: 2.5,
      style: [
        { selector: "node", style: { "background-color": "data(colour)", label: "data(label)", width: "data(size)", height: "data(size)",
          "font-size": 10, color: "#111", "text-wrap": "wrap", "text-max-width": 140, "text-valign": "bottom", "text-margin-y": 2,
          "text-background-color": "#fff", "text-background-opacity": 0.85, "text-background-padding": 1 } },
        { selector: "node.selected", style: { "border-width": 4, "border-color": "#111", "font-weight": "bold" } },
        { selector: "edge", style: { width: "data(width)", "line-color": "#555", opacity: "data(opacity)", "curve-style": "haystack" } },
        { selector: "node:selected", style: { "border-width": 4, "border-color": "#111" } },
      ],
    });
    cy.on("tap", "node", function (event) {
      filter.value = event.target.id();
      loadHubs();
    });
    if (filter.value) cy.getElementById(filter.value).addClass("selected");
    const legend = document.getElementById("map-legend");
    legend.replaceChildren(...schemes.filter((s) => nodes.some((f) => (f.scheme || "") === s)).map((s) =>
      el("li", {}, el("span", { class: "swatch", style: "background:" + colour(s) }), " ", actorLink(s, s.split("/").pop()))));
    const tbody = document.querySelector("#edge-table tbody");
    tbody.replaceChildren(...edges.map((e) => el("tr", {},
      el("td", {}, actorLink(e.a, labels[e.a])), el("td", {}, actorLink(e.b, labels[e.b])),
      el("td", { class: "num", text: String(e.weight) }),
      el("td", {}, ...e.actors.flatMap((a, i) => (i ? [", ", actorLink(a.iri, a.label)] : [actorLink(a.iri, a.label)]))))));
  }

  async function loadMap() {
    const data = await getJson(root + "/api/field-map");
    labels = Object.fromEntries(data.fields.map((f) => [f.iri, f.label]));
    const options = () => data.fields.map((f) => el("option", { value: f.iri }, f.label + " (" + f.actors + ")"));
    filter.append(...options());
    fieldA.append(...options());
    fieldB.append(...options());
    const ranked = data.edges.length ? data.edges[0] : null;  // the strongest bridge as the default question
    if (ranked) { fieldA.value = ranked.a; fieldB.value = ranked.b; }
    mapData = data;
    drawMap(data);
  }

  function list(target, heading, items) {
    document.getElementById(heading).hidden = items.length === 0;
    document.getElementById(target).replaceChildren(...items);
  }

  async function askBridges() {
    const box = document.getElementById("bridges-error");
    box.hidden = true;
    try {
      const params = new URLSearchParams({ a: fieldA.value, b: fieldB.value });
      const r = await getJson(root + "/api/bridges?" + params.toString());
      list("direct", "direct-h", r.direct.map((a) => el("li", {}, actorLink(a.iri, a.label))));
      list("paths", "paths-h", r.paths.map((p) => el("li", {}, ...p.flatMap((a, i) => (i ? [" → ", actorLink(a.iri, a.label)] : [actorLink(a.iri, a.label)])))));
      list("connectors", "connectors-h", r.minimal_connectors.map((a) => el("li", {}, actorLink(a.iri, a.label))));
      document.getElementById("bridges-summary").textContent = r.connected
        ? r.field_a.label + " ↔ " + r.field_b.label + ": " + app.dataset.distance + " " + r.distance
        : app.dataset.notConnected;
    } catch (e) { showError(box, e); }
  }

  document.getElementById("hub-filter").addEventListener("submit", (event) => { event.preventDefault(); loadHubs(); });
  filter.addEventListener("change", loadHubs);
  document.getElementById("min-weight").addEventListener("change", () => { if (mapData) drawMap(mapData); });
  document.getElementById("bridges-form").addEventListener("submit", (event) => { event.preventDefault(); askBridges(); });

  loadMap().then(loadHubs).catch((e) => showError(document.getElementById("hub-error"), e));
})();
