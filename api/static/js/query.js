/* The SPARQL query editor: YASQE (vendored), example queries, a result table, downloads. */
"use strict";
(function () {
  const app = document.getElementById("query-app");
  const endpoint = app.dataset.endpoint;
  const root = app.dataset.root;
  const lang = app.dataset.lang;
  const textarea = document.getElementById("query-text");
  const examples = JSON.parse(document.getElementById("examples-data").textContent);
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const results = document.getElementById("results");
  const csvLink = document.getElementById("download-csv");
  const jsonLink = document.getElementById("download-json");
  const { el, localPath, shortIri, errorOf } = window.Thcm;

  let editor = null;
  if (window.Yasqe) {
    // Only completers that work offline: prefixes from the bundled list and the query's variables.
    editor = window.Yasqe.fromTextArea(textarea, {
      autocompleters: ["prefixes", "variables"],
      persistenceId: null,
      showQueryButton: false,
      resizeable: true,
      editorHeight: "18rem",
      createShareableLink: null,
      consumeShareLink: null,
    });
    // Tab moves the focus on (no keyboard trap); indentation stays on Ctrl+] / Ctrl+[ and the editor's auto-indent.
    editor.addKeyMap({ Tab: false, "Shift-Tab": false });
    editor.on("keydown", function (_cm, event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); run(); }
    });
    // The editor's hidden input gets the visible label's name for screen readers.
    const input = editor.getInputField();
    if (input) { input.setAttribute("aria-label", document.querySelector("label[for=query-text]").textContent); }
  }
  const getQuery = () => (editor ? editor.getValue() : textarea.value);
  const setQuery = (q) => { if (editor) editor.setValue(q); else textarea.value = q; };

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      setQuery(examples[button.dataset.example]);
      run();
    });
  });
  document.getElementById("query-form").addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  textarea.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); run(); }
  });

  function downloadUrl(format) {
    return endpoint + "?" + new URLSearchParams({ query: getQuery(), format: format }).toString();
  }

  function cell(term) {
    if (!term) return el("td", {});
    if (term.type === "uri") {
      const href = localPath(term.value, root, lang);
      return el("td", {}, el("a", { href: href || term.value, title: term.value }, shortIri(term.value)));
    }
    const td = el("td", { lang: term["xml:lang"] || null, text: term.value });
    if (term.datatype && /#(integer|decimal|double|float|int|long)$/.test(term.datatype)) td.className = "num";
    return td;
  }

  function table(data) {
    const vars = data.head.vars || [];
    const thead = el("thead", {}, el("tr", {}, ...vars.map((v) => el("th", { scope: "col", text: "?" + v }))));
    const tbody = el("tbody", {}, ...data.results.bindings.map((b) => el("tr", {}, ...vars.map((v) => cell(b[v])))));
    return el("table", { id: "result-table" }, thead, tbody);
  }

  async function run() {
    const query = getQuery();
    errorBox.hidden = true;
    errorBox.textContent = "";
    results.replaceChildren();
    csvLink.hidden = jsonLink.hidden = true;
    status.textContent = app.dataset.running;
    const started = performance.now();
    let response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/sparql-results+json, text/turtle;q=0.9" },
        body: new URLSearchParams({ query: query }).toString(),
      });
    } catch (e) {
      status.textContent = "";
      errorBox.textContent = app.dataset.error + ": " + e.message;
      errorBox.hidden = false;
      return;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    if (!response.ok) {
      status.textContent = "";
      errorBox.textContent = app.dataset.error + " " + response.status + ": " + await errorOf(response);
      errorBox.hidden = false;
      return;
    }
    const type = response.headers.get("content-type") || "";
    if (type.includes("sparql-results+json")) {
      const data = await response.json();
      if (typeof data.boolean === "boolean") {
        results.append(el("p", { id: "ask-result", text: "ASK: " + data.boolean }));
        status.textContent = seconds + " s";
      } else {
        results.append(table(data));
        status.textContent = data.results.bindings.length + " " + app.dataset.rows + " · " + seconds + " s";
        csvLink.href = downloadUrl("csv");
        jsonLink.href = downloadUrl("json");
        csvLink.hidden = jsonLink.hidden = false;
      }
    } else {  // CONSTRUCT / DESCRIBE: the Turtle as text
      results.append(el("pre", { id: "graph-result", text: await response.text() }));
      status.textContent = seconds + " s";
    }
  }
})();
