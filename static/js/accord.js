// Small progressive enhancements; the pages work without JavaScript.
// No inline handlers anywhere: the Content-Security-Policy forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // A form that came back with errors: the keyboard and the screen go to its summary at the top
  // (templates/_error_summary.html), which is also announced (role=alert).
  const summary = document.querySelector(".error-summary[autofocus]");
  if (summary && document.activeElement !== summary) summary.focus();
  // Selects marked data-autosubmit submit their form when changed (e.g. language pickers).
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form && select.form.requestSubmit());
  });
  // Buttons marked data-confirm ask first.
  document.body.addEventListener("click", (event) => {
    const target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Times marked data-utc are shown in the viewer's own time zone as well.
  document.querySelectorAll("time[data-local]").forEach((el) => {
    const when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when)) {
      const local = when.toLocaleString(document.documentElement.lang || undefined, {
        dateStyle: "medium", timeStyle: "short",
      });
      el.textContent = local;
      el.title = el.getAttribute("datetime");
    }
  });
});
