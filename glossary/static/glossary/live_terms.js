/* Terminology findings while the marketer types (glossary/live.py answers).
 *
 * The terminology section of the edit form's checks panel carries
 * data-terminology-live="<endpoint>". This script posts the unsaved form there, debounced
 * (after a pause in typing, never per keystroke), and shows the findings at the top of
 * the form and beside the field that holds each one, with the words highlighted and a
 * "Replace with …" button where the field is plain text.
 */
(function () {
  "use strict";

  const PAUSE_MS = 900; // quiet time after the last change before checking
  const POLL_MS = 2500; // rich text and choosers change inputs without input events

  const section = document.querySelector("[data-terminology-live]");
  if (!section) return;
  const form = section.closest("form");
  if (!form) return;
  const endpoint = section.dataset.terminologyLive + "?for=" + encodeURIComponent(window.location.pathname);

  let timer = null;
  let inFlight = false;
  let pending = false;
  let lastSent = null;
  let pausedUntil = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The summary, at the top of the form.
  const summary = el("section", "concord-live-terms");
  summary.setAttribute("aria-labelledby", "concord-live-terms-heading");
  const heading = el("h2", "concord-live-terms__heading", "Terminology, checked as you type");
  heading.id = "concord-live-terms-heading";
  const status = el("p", "concord-live-terms__status", "Checking the wording against the approved glossary…");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const list = el("ul", "concord-live-terms__list");
  summary.append(heading, status, list);
  const top = form.querySelector(".w-tabs__list") || form.firstElementChild;
  if (top && top.parentNode) {
    top.parentNode.insertBefore(summary, top);
  } else {
    form.prepend(summary);
  }

  function formBody() {
    const data = new FormData(form);
    for (const [name, value] of Array.from(data.entries())) {
      if (value instanceof File) data.delete(name); // never upload files to check words
    }
    return data;
  }

  function fingerprint(data) {
    const parts = [];
    for (const [name, value] of data.entries()) {
      if (name !== "csrfmiddlewaretoken") parts.push(name + "=" + value);
    }
    return parts.join("&");
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, delay === undefined ? PAUSE_MS : delay);
  }

  async function run() {
    const wait = pausedUntil - Date.now();
    if (wait > 0) {
      schedule(wait);
      return;
    }
    if (inFlight) {
      pending = true;
      return;
    }
    const data = formBody();
    const print = fingerprint(data);
    if (print === lastSent) return;
    inFlight = true;
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (response.status === 429) {
        const seconds = parseInt(response.headers.get("Retry-After") || "20", 10);
        pausedUntil = Date.now() + seconds * 1000;
        status.textContent = "Checking paused for a moment; the wording is checked again shortly.";
        schedule(seconds * 1000);
        return;
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      const result = await response.json();
      lastSent = print;
      show(result.findings || []);
    } catch (error) {
      status.textContent = "The live check isn't available right now. The wording is still checked when you save and before approval.";
    } finally {
      inFlight = false;
      if (pending) {
        pending = false;
        schedule(0);
      }
    }
  }

  function inputFor(finding) {
    if (!finding.input) return null;
    const found = form.elements.namedItem(finding.input);
    if (!found) return null;
    return found instanceof RadioNodeList ? found[0] : found;
  }

  function wrapperOf(input) {
    return (
      input.closest("[data-field-wrapper]") ||
      input.closest(".w-field__wrapper") ||
      input.closest(".w-field") ||
      input.parentElement
    );
  }

  function quoted(text) {
    return "\u201c" + text + "\u201d";
  }

  // The context with the found words in <mark>, built from text nodes only.
  function contextNode(finding) {
    const node = el("span", "concord-live-terms__context");
    const context = finding.context || "";
    const words = finding.found.split(/\s+/).join(" ");
    const at = context.indexOf(words);
    if (at < 0) {
      node.textContent = context;
      return node;
    }
    node.append(document.createTextNode(context.slice(0, at)));
    node.append(el("mark", "", context.slice(at, at + words.length)));
    node.append(document.createTextNode(context.slice(at + words.length)));
    return node;
  }

  function replaceButton(finding, input) {
    if (!finding.replace || !input || !("value" in input)) return null;
    const button = el("button", "button button-small button-secondary concord-live-terms__replace", "Replace with " + quoted(finding.replacement));
    button.type = "button";
    button.addEventListener("click", function () {
      const { start, end } = finding.replace;
      if (input.value.slice(start, end) !== finding.found) {
        status.textContent = "The text changed since the last check; checking again.";
        schedule(0);
        return;
      }
      input.value = input.value.slice(0, start) + finding.replacement + input.value.slice(end);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      status.textContent = "Replaced " + quoted(finding.found) + " with " + quoted(finding.replacement) + ". Checking again…";
      document.querySelectorAll("[data-live-finding='" + finding.key + "']").forEach(function (node) {
        node.remove();
      });
      input.focus();
      const caret = start + finding.replacement.length;
      if (typeof input.setSelectionRange === "function") input.setSelectionRange(caret, caret);
      schedule(0);
    });
    return button;
  }

  function showButton(finding, input, note) {
    const button = el("button", "button button-small button-secondary concord-live-terms__show", "Show");
    button.type = "button";
    button.setAttribute("aria-label", "Show " + quoted(finding.found) + " in " + finding.location);
    button.addEventListener("click", function () {
      const target = note || (input && wrapperOf(input));
      if (target) target.scrollIntoView({ block: "center", behavior: "smooth" });
      if (input && finding.replace && typeof input.setSelectionRange === "function") {
        input.focus();
        input.setSelectionRange(finding.replace.start, finding.replace.end);
      } else if (input) {
        const editable = wrapperOf(input).querySelector("[contenteditable='true']");
        if (editable) editable.focus();
        else if (note) note.querySelector("button") && note.querySelector("button").focus();
      }
    });
    return button;
  }

  function describe(finding) {
    const line = el("span", "concord-live-terms__what");
    line.append(el("strong", "", quoted(finding.found)));
    line.append(document.createTextNode(" \u2192 use "));
    line.append(el("strong", "", quoted(finding.replacement)));
    return line;
  }

  function show(findings) {
    document.querySelectorAll(".concord-live-terms__inline").forEach(function (node) {
      node.remove();
    });
    list.replaceChildren();
    section.classList.toggle("concord-terminology--live", true);
    if (!findings.length) {
      status.textContent = "No wording to change: this text uses the preferred terms of the glossary.";
      summary.classList.remove("concord-live-terms--findings");
      return;
    }
    summary.classList.add("concord-live-terms--findings");
    status.textContent =
      findings.length + (findings.length === 1 ? " wording" : " wordings") +
      " to change before this can be approved. Each is also shown beside its field.";
    const notes = new Map();
    findings.forEach(function (finding, index) {
      finding.key = "f" + index;
      const input = inputFor(finding);
      let note = null;
      if (input) {
        const wrapper = wrapperOf(input);
        note = notes.get(wrapper);
        if (!note) {
          note = el("div", "concord-live-terms__inline");
          note.setAttribute("role", "group");
          note.setAttribute("aria-label", "Terminology in " + finding.location);
          wrapper.insertAdjacentElement("afterend", note);
          notes.set(wrapper, note);
        }
        const row = el("div", "concord-live-terms__finding");
        row.dataset.liveFinding = finding.key;
        row.append(describe(finding), contextNode(finding));
        const replace = replaceButton(finding, input);
        if (replace) row.append(replace);
        else row.append(el("span", "concord-live-terms__hint", "Change it in the editor above."));
        note.append(row);
      }
      const item = el("li", "concord-live-terms__item");
      item.dataset.liveFinding = finding.key;
      item.append(describe(finding), document.createTextNode(" in "), el("span", "concord-live-terms__where", finding.location));
      const actions = el("span", "concord-live-terms__actions");
      actions.append(showButton(finding, input, note));
      const replace = replaceButton(finding, input);
      if (replace) actions.append(replace);
      item.append(actions);
      list.append(item);
    });
  }

  form.addEventListener("input", function () {
    schedule();
  });
  form.addEventListener("change", function () {
    schedule();
  });
  window.setInterval(function () {
    if (!inFlight && fingerprint(formBody()) !== lastSent) schedule();
  }, POLL_MS);
  schedule(0);
})();
