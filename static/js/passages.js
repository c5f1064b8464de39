// A clause in a comment round (templates/consultations/clause_passages.html): selecting words in the
// clause text (mouse, or keyboard: see `keys` below) offers "Comment on this passage", which fills
// the comment form's hidden passage fields; "Suggest a change" turns the text into the suggestion box.
// Offsets count characters of the stored text as the server does (code points, not UTF-16 units);
// a direction control is shown as a marker element (data-ctl) that stands for one character.
// Without JavaScript both forms are on the page and comment on the whole clause.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.querySelector("[data-passage-source]");
  const tools = document.querySelector("[data-passage-tools]");
  const textNode = document.getElementById("passage-text");
  if (!source || !tools || !textNode) return;
  const text = JSON.parse(textNode.textContent);
  const chars = [...text];
  const commentForm = document.querySelector("[data-passage-form]");
  const commentButton = tools.querySelector("[data-passage-comment]");
  const preview = tools.querySelector("[data-passage-preview]");
  const toggle = tools.querySelector("[data-suggest-toggle]");
  const suggestForm = document.querySelector("[data-suggest-form]");
  const box = suggestForm.querySelector("textarea[name=proposed_text]");
  const cancel = suggestForm.querySelector("[data-suggest-cancel]");
  const caret = document.querySelector("[data-passage-caret]");
  const status = tools.querySelector("[data-passage-status]");
  let pending = null;
  let pointerInSource = false;
  let announce = null;

  // Characters of the stored text before a boundary point of the page's selection.
  const before = (node, offset) => {
    const range = document.createRange();
    range.setStart(source, 0);
    range.setEnd(node, offset);
    const part = range.cloneContents();
    let count = 0;
    part.querySelectorAll("[data-ctl]").forEach((marker) => { count += 1; marker.remove(); });
    return count + [...part.textContent].length;
  };

  const selected = () => {
    const selection = document.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(source)) return null;
    let start = source.contains(range.startContainer) ? before(range.startContainer, range.startOffset) : 0;
    let end = source.contains(range.endContainer) ? before(range.endContainer, range.endOffset) : chars.length;
    while (start < end && /\s/u.test(chars[start])) start += 1;
    while (end > start && /\s/u.test(chars[end - 1])) end -= 1;
    if (start >= end) return null;
    return { start, end, quote: chars.slice(start, end).join("") };
  };

  const fill = (form, passage) => {
    if (!form) return;
    const set = (name, value) => { form.querySelector(`input[name=${name}]`).value = value; };
    set("anchor_language", passage ? source.dataset.language : "");
    set("anchor_revision", passage ? source.dataset.revision : "");
    set("anchor_start", passage ? passage.start : "");
    set("anchor_end", passage ? passage.end : "");
    set("anchor_quote", passage ? passage.quote : "");
    const chosen = form.querySelector("[data-passage-chosen]");
    chosen.hidden = !passage;
    chosen.querySelector("[data-passage-quote]").textContent = passage ? passage.quote : "";
  };

  const offer = (passage) => {
    pending = passage;
    commentButton.hidden = !passage;
    preview.hidden = !passage;
    preview.textContent = passage ? passage.quote : "";
  };

  source.addEventListener("pointerdown", () => { pointerInSource = true; });
  document.addEventListener("pointerup", () => { setTimeout(() => { pointerInSource = false; }, 0); });
  document.addEventListener("selectionchange", () => {
    const passage = selected();
    const typing = document.activeElement === source;
    if (passage) offer(passage);
    // A click in the text, or a caret moved without Shift, withdraws the offer; moving the focus to the
    // button does not.
    else if (pointerInSource || typing) offer(null);
    drawCaret();
    if (typing) {
      // Said once the selection rests, not at every key: "Selected for your comment: …".
      clearTimeout(announce);
      announce = setTimeout(() => { status.textContent = passage ? `${status.dataset.selected} ${passage.quote}` : ""; }, 600);
    }
  });

  // The keyboard (WCAG 2.1.1): without caret browsing a browser has no caret in read-only text, so the
  // text is one Tab stop, a read-only text box, whose caret the page keeps and draws. The arrows move it
  // (Ctrl or Alt: by word; Home/End: to the line's ends; Ctrl+Home/End: to the text's), Shift with them
  // selects, Ctrl+A selects the clause, Escape clears the selection. It never leaves the clause text.
  const keys = {
    ArrowLeft: ["left", "character"],
    ArrowRight: ["right", "character"],
    ArrowUp: ["backward", "line"],
    ArrowDown: ["forward", "line"],
    Home: ["backward", "lineboundary"],
    End: ["forward", "lineboundary"],
  };
  const firstText = () => {
    const walker = document.createTreeWalker(source, NodeFilter.SHOW_TEXT);
    return walker.nextNode() || source;
  };
  const lastText = () => {
    const walker = document.createTreeWalker(source, NodeFilter.SHOW_TEXT);
    let last = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) last = node;
    return last || source;
  };
  const edge = (end) => {
    const node = end ? lastText() : firstText();
    return [node, end ? (node.nodeType === Node.TEXT_NODE ? node.length : node.childNodes.length) : 0];
  };
  const inSource = (node) => node && source.contains(node);
  source.tabIndex = 0;
  source.setAttribute("role", "textbox");
  source.setAttribute("aria-readonly", "true");
  source.setAttribute("aria-multiline", "true");
  source.setAttribute("aria-labelledby", "clause-h");
  source.setAttribute("aria-describedby", "passage-keys");
  source.addEventListener("focus", () => {
    const selection = document.getSelection();
    if (!pointerInSource && !(inSource(selection.anchorNode) && inSource(selection.focusNode))) {
      selection.collapse(...edge(false));
    }
    drawCaret();
  });
  source.addEventListener("blur", () => { caret.hidden = true; });
  source.addEventListener("keydown", (event) => {
    const selection = document.getSelection();
    if (event.isComposing || !inSource(selection.anchorNode)) return;
    const word = event.ctrlKey || event.altKey;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "a") {
      event.preventDefault();
      selection.setBaseAndExtent(...edge(false), ...edge(true));
      return;
    }
    if (event.key === "Escape" && !selection.isCollapsed) {
      event.preventDefault();
      selection.collapse(selection.focusNode, selection.focusOffset);
      return;
    }
    if (!(event.key in keys)) return;
    event.preventDefault();
    const alter = event.shiftKey ? "extend" : "move";
    let [direction, granularity] = keys[event.key];
    if (event.key === "Home" || event.key === "End") {
      if (event.ctrlKey || event.metaKey) {
        const [node, offset] = edge(event.key === "End");
        if (event.shiftKey) selection.extend(node, offset);
        else selection.collapse(node, offset);
        return;
      }
    } else if (event.metaKey && granularity === "character") {
      granularity = "lineboundary";
    } else if (word && granularity === "character") {
      granularity = "word";
    }
    selection.modify(alter, direction, granularity);
    if (!inSource(selection.focusNode)) {
      // Past the first or last character: back to that edge of the clause text.
      const forward = direction === "right" || direction === "forward";
      const [node, offset] = edge(source.dir === "rtl" ? !forward : forward);
      if (event.shiftKey) selection.extend(node, offset);
      else selection.collapse(node, offset);
    }
  });

  // The caret the browser does not draw in read-only text: a thin bar where the selection's focus is.
  function drawCaret() {
    const selection = document.getSelection();
    if (document.activeElement !== source || !selection.rangeCount || !inSource(selection.focusNode)) {
      caret.hidden = true;
      return;
    }
    const range = document.createRange();
    range.setStart(selection.focusNode, selection.focusOffset);
    const box = range.getClientRects()[0] || range.getBoundingClientRect();
    // The caret is placed in the clause's card (position: relative), from its padding edge.
    const card = caret.parentElement;
    const frame = card.getBoundingClientRect();
    if (!box || box.height === 0) {
      caret.hidden = true;
      return;
    }
    caret.style.left = `${box.left - frame.left - card.clientLeft}px`;
    caret.style.top = `${box.top - frame.top - card.clientTop}px`;
    caret.style.height = `${box.height}px`;
    caret.hidden = false;
  }
  window.addEventListener("resize", drawCaret);

  // Pressing the button must not take the selection away before it is read.
  commentButton.addEventListener("mousedown", (event) => event.preventDefault());
  commentButton.addEventListener("click", () => {
    if (!pending || !commentForm) return;
    fill(commentForm, pending);
    commentForm.scrollIntoView({ block: "nearest" });
    commentForm.querySelector("textarea[name=text]").focus();
  });
  const clear = commentForm && commentForm.querySelector("[data-passage-clear]");
  if (clear) clear.addEventListener("click", () => fill(commentForm, null));

  // Suggestion mode: the text gives way to the box, with the selected passage selected in it.
  const suggest = (on) => {
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    source.hidden = on;
    suggestForm.hidden = !on;
    commentButton.hidden = on || !pending;
    preview.hidden = on || !pending;
    if (!on) { toggle.focus(); return; }
    if (pending) fill(suggestForm, pending);
    box.focus();
    if (pending && box.value === text) {
      const from = chars.slice(0, pending.start).join("").length;
      box.setSelectionRange(from, from + pending.quote.length);
    }
  };
  toggle.addEventListener("click", () => suggest(toggle.getAttribute("aria-pressed") !== "true"));
  cancel.hidden = false;
  cancel.addEventListener("click", () => suggest(false));

  // A highlighted passage leads to its comment.
  source.addEventListener("click", (event) => {
    const mark = event.target.closest("mark[data-comments]");
    if (!mark || !document.getSelection().isCollapsed) return;
    const card = document.getElementById(`comment-${mark.dataset.comments.split(" ")[0]}`);
    if (card) card.scrollIntoView({ block: "center" });
  });

  tools.hidden = false;
  const reopen = suggestForm.hasAttribute("data-open");
  suggestForm.hidden = !reopen;
  source.hidden = reopen;
  toggle.setAttribute("aria-pressed", reopen ? "true" : "false");
});
