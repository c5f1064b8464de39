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
  // After htmx swaps in an edit or add form, put the cursor in its first text field.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const field = event.detail.target.querySelector?.(".clause-textarea, .clause-add textarea")
      || document.querySelector(".clause-add textarea:only-of-type");
    if (field && document.activeElement?.tagName !== "TEXTAREA") field.focus();
  });
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
