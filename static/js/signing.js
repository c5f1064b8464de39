// The signing page: draw a signature with signature_pad, or upload an image instead.
// No inline handlers: the Content-Security-Policy forbids them.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("sign-form");
  if (!form) return;
  const canvas = document.getElementById("signature-pad");
  const drawing = form.querySelector("input[name=drawing]");
  const radios = form.querySelectorAll("input[name=method]");
  const panels = form.querySelectorAll("[data-method-panel]");
  let pad = null;

  if (canvas && window.SignaturePad) {
    // Draw at device resolution so the stored image is sharp on high-density screens.
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const width = canvas.offsetWidth || canvas.width;
    const height = canvas.offsetHeight || canvas.height;
    canvas.width = width * ratio;
    canvas.height = height * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    pad = new window.SignaturePad(canvas, { penColor: "rgb(10, 30, 90)", minWidth: 0.8, maxWidth: 2.6 });
    pad.addEventListener("endStroke", () => {
      drawing.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    });
    const clear = document.getElementById("pad-clear");
    if (clear) {
      clear.addEventListener("click", () => {
        pad.clear();
        drawing.value = "";
      });
    }
  }

  const show = () => {
    const chosen = form.querySelector("input[name=method]:checked");
    panels.forEach((panel) => {
      panel.hidden = chosen && panel.dataset.methodPanel !== chosen.value;
    });
  };
  radios.forEach((radio) => radio.addEventListener("change", show));
  show();

  form.addEventListener("submit", (event) => {
    const chosen = form.querySelector("input[name=method]:checked");
    if (pad && chosen && chosen.value === "drawn") {
      drawing.value = pad.isEmpty() ? "" : pad.toDataURL("image/png");
    }
    // One click, one signature: the server also refuses a second, this only spares the round trip.
    const button = document.getElementById("sign-submit");
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
    if (button) button.setAttribute("aria-busy", "true");
  });
});
