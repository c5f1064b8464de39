// Comment rounds: small progressive enhancements; every form works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Round form: "select all / none" for the invited parties, and the viewer's time zone preselected.
  document.querySelectorAll("[data-check-all], [data-check-none]").forEach((button) => {
    button.addEventListener("click", () => {
      const name = button.dataset.checkAll || button.dataset.checkNone;
      const on = Boolean(button.dataset.checkAll);
      document.querySelectorAll(`input[type=checkbox][name="${name}"]`).forEach((box) => { box.checked = on; });
    });
  });
  const tzSelect = document.querySelector("select[name=time_zone]");
  if (tzSelect && !tzSelect.dataset.touched) {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && [...tzSelect.options].some((o) => o.value === tz) && tzSelect.value === "UTC") tzSelect.value = tz;
  }

  // Comment form: the proposed-text box shows only for "proposed text" and starts from the clause text.
  const form = document.querySelector("[data-comment-form]");
  const dataNode = document.getElementById("clause-texts");
  if (form && dataNode) {
    const texts = JSON.parse(dataNode.textContent);
    const kind = form.querySelector("select[name=kind]");
    const target = form.querySelector("select[name=target]");
    const language = form.querySelector("select[name=language]");
    const box = form.querySelector("textarea[name=proposed_text]");
    const field = form.querySelector("[data-proposal-field]");
    let prefilled = null;
    const current = () => ((texts[target.value] || {})[language.value] || {}).text || "";
    const refresh = (force) => {
      const proposing = kind.value === "proposed_text";
      field.hidden = !proposing;
      if (proposing && (force || box.value === "" || box.value === prefilled)) {
        box.value = current();
        prefilled = box.value;
      }
    };
    [kind, target, language].forEach((el) => el.addEventListener("change", () => refresh(false)));
    const reset = form.querySelector("[data-reset-proposal]");
    if (reset) reset.addEventListener("click", () => refresh(true));
    refresh(false);
  }

  // Disposition form: the modified text only matters for "accepted with modification".
  const dispose = document.querySelector("[data-dispose-form]");
  const modified = dispose && dispose.querySelector("[data-modified-text]");
  if (dispose && modified) {
    const sync = () => {
      const checked = dispose.querySelector("input[name=disposition]:checked");
      modified.hidden = !(checked && checked.value === "accepted_modified");
    };
    dispose.querySelectorAll("input[name=disposition]").forEach((r) => r.addEventListener("change", sync));
    sync();
  }
});
