// The article form's checks panel (templates/markdownx/widget.html): while the editor
// types, the form's current text goes to the checks endpoint (articles/admin/checks.py)
// and the findings are listed under the live preview, the passages found marked in the
// preview. A static file, so the admin's Content-Security-Policy stays 'self'. The panel
// only informs: saving still goes through the newsroom actions, which run the same checks.
function startChecks() {
  const panel = document.querySelector(".article-checks[data-url]");
  if (!panel) return;
  const form = panel.closest("form");
  const editor = panel.parentElement;
  const preview = editor.querySelector(".markdownx-preview");
  const summary = panel.querySelector(".article-checks-summary");
  const list = panel.querySelector(".article-checks-list");
  const WAIT = 600; // ms after the last keystroke
  const TEXT = { headline: "id_headline", standfirst: "id_standfirst", body: "id_body", hero_alt: "id_hero_alt" };
  let timer = null;
  let asking = null;
  let passages = [];

  function payload() {
    const data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    for (const [name, id] of Object.entries(TEXT)) {
      const field = document.getElementById(id);
      if (field) data.append(name, field.value);
    }
    const sensitive = document.getElementById("id_sensitive");
    if (sensitive && sensitive.type === "checkbox") data.append("sensitive", sensitive.checked ? "on" : "");
    const hero = document.getElementById("id_hero_image");
    if (hero && hero.files && hero.files.length) data.append("hero_file", hero.files[0].name);
    const cleared = document.getElementById("hero_image-clear_id");
    if (cleared && cleared.checked) data.append("hero_cleared", "on");
    const edits = form.querySelector("select[name$='-allowed_edits']");
    if (edits && edits.value) data.append("allowed_edits", edits.value);
    return data;
  }

  async function check() {
    if (asking) asking.abort();
    asking = new AbortController();
    let answer;
    try {
      const response = await fetch(panel.dataset.url, {
        method: "POST", body: payload(), credentials: "same-origin", signal: asking.signal,
        headers: { Accept: "application/json" },
      });
      answer = await response.json();
      if (!response.ok) throw new Error(answer.error || `The checks answered ${response.status}.`);
    } catch (error) {
      if (error.name === "AbortError") return;
      show([], `Checks not run: ${error.message}`);
      return;
    }
    show(answer.findings, null);
  }

  function show(findings, trouble) {
    panel.hidden = false;
    list.replaceChildren();
    const blocking = findings.filter((f) => f.blocking).length;
    const advice = findings.length - blocking;
    if (trouble) {
      summary.textContent = trouble;
    } else if (!findings.length) {
      summary.textContent = "No problems found.";
    } else {
      const parts = [];
      if (blocking) parts.push(`${blocking} to fix before this can be published`);
      if (advice) parts.push(`${advice} ${advice === 1 ? "suggestion" : "suggestions"}`);
      summary.textContent = `${parts.join(", ")}.`;
    }
    for (const finding of findings) {
      const item = document.createElement("li");
      item.className = finding.blocking ? "check-blocking" : "check-advice";
      item.dataset.rule = finding.rule;
      const label = document.createElement("strong");
      label.textContent = finding.blocking ? "Blocks publishing: " : "Advice: ";
      item.append(label, finding.message);
      list.append(item);
    }
    passages = findings.filter((f) => f.passage).map((f) => f.passage);
    highlight();
  }

  // Marks the passages found in the preview's text (the preview's HTML from the server
  // is the readers'; the marks exist only in this page).
  function highlight() {
    for (const mark of preview.querySelectorAll("mark.check-hit")) {
      mark.replaceWith(...mark.childNodes);
    }
    preview.normalize();
    for (const passage of new Set(passages)) {
      const walker = document.createTreeWalker(preview, NodeFilter.SHOW_TEXT);
      const nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      for (let node of nodes) {
        let at = node.data.indexOf(passage);
        while (at !== -1) {
          const hit = node.splitText(at);
          node = hit.splitText(passage.length);
          const mark = document.createElement("mark");
          mark.className = "check-hit";
          hit.replaceWith(mark);
          mark.append(hit);
          at = node.data.indexOf(passage);
        }
      }
    }
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(check, WAIT);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
  editor.addEventListener("markdownx.update", highlight);
  check();
}

// The admin loads form media in the head, before the form exists.
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startChecks);
} else {
  startChecks();
}
