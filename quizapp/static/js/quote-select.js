// New or edited fact: select words in the document and press "Use selection as
// quote" to copy them, exactly as the document stores them, into the quote field.
// The quote is cut from the document box's own text (not from the browser's copy of
// the selection, which may change spaces and line breaks), trimmed of spaces at
// either end. Without script the button stays hidden and the quote is typed or
// pasted; the server checks either way that it is word for word in the document.
(function () {
  "use strict";
  var button = document.querySelector("[data-use-selection]");
  if (!button) return;
  var box = document.getElementById(button.getAttribute("data-document"));
  var field = document.getElementById(button.getAttribute("data-target"));
  var status = document.getElementById(button.getAttribute("data-status"));
  if (!box || !field || !status || !window.getSelection) return;
  var chosen = null; // the last selection inside the document: {start, end}

  function offset(node, at) {
    var range = document.createRange();
    range.selectNodeContents(box);
    range.setEnd(node, at);
    return range.toString().length;
  }

  function remember() {
    var selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) return;
    var range = selection.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) return;
    chosen = {
      start: offset(range.startContainer, range.startOffset),
      end: offset(range.endContainer, range.endOffset),
    };
  }

  function say(message) {
    status.textContent = message;
  }

  document.addEventListener("selectionchange", remember);
  button.addEventListener("click", function () {
    remember();
    var text = box.textContent;
    if (!chosen) {
      say("First select the words you want in the document.");
      return;
    }
    var start = chosen.start;
    var end = chosen.end;
    while (start < end && /\s/.test(text.charAt(start))) start += 1;
    while (end > start && /\s/.test(text.charAt(end - 1))) end -= 1;
    if (start === end) {
      say("The selection holds only spaces: select some words.");
      return;
    }
    field.value = text.slice(start, end);
    say("Quote set (" + (end - start) + " characters). Now write the statement.");
  });
  button.hidden = false;
})();
