// Drafting helpers (secretariat pages). No inline handlers: the Content-Security-Policy forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // "Cancel" on an inserted form removes the form instead of following its link.
  document.body.addEventListener("click", (event) => {
    const link = event.target.closest("[data-remove-closest]");
    if (!link) return;
    const box = link.closest(link.dataset.removeClosest);
    if (box) {
      event.preventDefault();
      box.remove();
    }
  });
  // Checkboxes marked data-autosubmit submit their form (the compare page's options).
  // Delegated: the compare page's options arrive with its redline, after the page (htmx).
  document.body.addEventListener("change", (event) => {
    const box = event.target.closest?.("input[type=checkbox][data-autosubmit]");
    if (box && box.form) box.form.requestSubmit();
  });
  // Focus after a swap is the templates' `autofocus` (htmx focuses it in new content): the editor's
  // text box, its error, or the Edit button the editor was opened from.
  // Ctrl/Cmd+Enter saves the clause being edited; Escape cancels.
  document.body.addEventListener("keydown", (event) => {
    const form = event.target.closest?.(".clause-form");
    if (!form) return;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape") {
      const cancel = form.querySelector("a[hx-get]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    }
  });
});
