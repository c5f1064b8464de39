// Small progressive enhancements; the pages work without JavaScript.
// No inline handlers anywhere: the Content-Security-Policy forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // A form that came back with errors: the keyboard and the screen go to its summary at the top
  // (templates/_error_summary.html), which is also announced (role=alert).
  const summary = document.querySelector(".error-summary[autofocus]");
  if (summary && document.activeElement !== summary) summary.focus();
  // Selects marked data-autosubmit submit their form when changed (e.g. language pickers). Delegated:
  // texts loaded after the page (htmx) carry such selects too.
  document.body.addEventListener("change", (event) => {
    const select = event.target.closest?.("select[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });
  // Buttons marked data-confirm ask first.
  document.body.addEventListener("click", (event) => {
    const target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  // Times come from the server in the reader's own zone (account setting), named ("18:00 KST"); the
  // text is never replaced. The browser's zone, named too, is offered as a tooltip.
  const titleTimes = (root) => root.querySelectorAll("time[datetime]").forEach((el) => {
    const when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when) && !el.title) {
      el.title = when.toLocaleString(document.documentElement.lang || undefined, {
        // dateStyle/timeStyle cannot be combined with timeZoneName.
        year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
      });
    }
  });
  titleTimes(document);
  // The declaration page loads its text after the page (from its own cacheable address): once it is
  // in, the clause the address names (#clause-…) is where the browser would have gone: on screen, and
  // the keyboard's starting point (focused, so Tab moves on from there, as after following a link).
  let scrolled = false;
  document.body.addEventListener("htmx:load", (event) => {
    titleTimes(event.detail.elt.parentNode || event.detail.elt);
    const target = !scrolled && location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) {
      scrolled = true;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
      target.scrollIntoView();
    }
    // A text loaded above a form that came back with errors pushes its summary down: keep it in view.
    const active = document.activeElement;
    if (active && active.matches(".error-summary")) active.scrollIntoView({ block: "start" });
  });
});
