// Small progressive enhancement; every page works without it.
// Confirm before rejecting a draft, so one stray click does not send a reason out.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.action.endsWith("/reject")) {
    if (!window.confirm("确定退回这篇稿件吗？退回理由将告知报送单位。")) event.preventDefault();
  }
});

// Review page: pointing at a fact highlights it in the source and in the draft.
function linkFacts(fact, on) {
  document.querySelectorAll(`mark.fact[data-fact="${CSS.escape(fact)}"]`).forEach((m) => {
    m.classList.toggle("linked", on);
  });
}
for (const type of ["mouseover", "mouseout", "focusin", "focusout"]) {
  document.addEventListener(type, (event) => {
    const mark = event.target instanceof Element ? event.target.closest("mark.fact[data-fact]") : null;
    if (mark) linkFacts(mark.dataset.fact, type === "mouseover" || type === "focusin");
  });
}
document.addEventListener("click", (event) => {
  const mark = event.target instanceof Element ? event.target.closest("mark.fact[data-fact]") : null;
  if (!mark) return;
  const other = [...document.querySelectorAll(`mark.fact[data-fact="${CSS.escape(mark.dataset.fact)}"]`)]
    .find((m) => m !== mark && !m.closest("section")?.contains(mark));
  if (other) other.scrollIntoView({ block: "center", behavior: "smooth" });
});

// Submit page: a live preview while typing (the 预览成稿 button does the same without script).
const submitForm = document.getElementById("submit-form");
if (submitForm) {
  let timer = 0;
  let seq = 0;
  submitForm.querySelector("textarea[name=text]")?.addEventListener("input", (event) => {
    window.clearTimeout(timer);
    if (event.target.value.trim().length < 20) return;
    timer = window.setTimeout(async () => {
      const mine = ++seq;
      const data = new FormData(submitForm);
      data.set("action", "preview");
      data.delete("file");
      const response = await fetch("/submit", { method: "POST", body: data, credentials: "same-origin" });
      if (mine !== seq || !response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById("preview");
      const old = document.getElementById("preview");
      if (!fresh) return;
      fresh.dataset.live = "1";
      if (old) old.replaceWith(fresh); else submitForm.after(fresh);
    }, 800);
  });
}

// Review page: while this editor holds the draft's lock, tell the server every 30 s
// (and when leaving) what they have typed but not saved, so a takeover keeps it as a
// copy. Without this script the lock lapses after its idle time; saved text stands.
const editForm = document.getElementById("edit-form");
if (editForm) {
  const url = `/review/${editForm.dataset.draft}/heartbeat`;
  const area = editForm.querySelector("textarea[name=text]");
  const initial = area ? area.value : "";
  const beat = (leaving) => {
    const data = new FormData();
    data.set("csrf", editForm.querySelector("input[name=csrf]").value);
    if (area && area.value !== initial) data.set("text", area.value);
    if (leaving) {
      data.set("leaving", "1");  // with nothing unsaved, the server frees the draft
      navigator.sendBeacon(url, data);
      return;
    }
    fetch(url, { method: "POST", body: data, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((state) => {
        if (state && state.holder === false) window.location.reload();  // taken over
      })
      .catch(() => {});
  };
  window.setInterval(() => beat(false), 30000);
  area?.addEventListener("input", () => {
    window.clearTimeout(editForm._beat);
    editForm._beat = window.setTimeout(() => beat(false), 2000);
  });
  let submitting = false;
  editForm.addEventListener("submit", () => { submitting = true; });
  window.addEventListener("pagehide", () => { if (!submitting) beat(true); });
}
