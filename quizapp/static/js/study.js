// Keyboard shortcuts for the study page, and the time-zone helper on the settings
// page. Everything here also works without JavaScript, through plain forms.
(function () {
  "use strict";

  function studyPage() {
    var answer = document.getElementById("study-answer");
    var reveal = document.getElementById("study-reveal");
    var rate = document.getElementById("study-rate");
    var undo = document.getElementById("study-undo");
    var keys = document.getElementById("study-keys");
    var sent = false;
    if (keys) keys.hidden = false;

    function revealed() {
      return Boolean(answer) && !answer.hidden;
    }

    function showAnswer() {
      if (!answer || revealed()) return;
      answer.hidden = false;
      rate.hidden = false;
      if (reveal) reveal.hidden = true;
      rate.querySelector('button[value="3"]').focus();
    }

    // Submit once: a second key press while the page loads would be a stale rating.
    function press(button) {
      if (!button || sent) return;
      sent = true;
      button.click();
    }

    if (reveal) {
      reveal.addEventListener("submit", function (event) {
        event.preventDefault();
        showAnswer();
      });
    }

    // Back to this page from the browser's cache: the keys work again.
    window.addEventListener("pageshow", function () {
      sent = false;
    });

    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) return;
      var target = event.target;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      var key = event.key;
      // On a link or button, space and enter keep their own meaning.
      var onControl = target.closest("a, button");
      if ((key === " " || key === "Enter") && !onControl && answer && !revealed()) {
        event.preventDefault();
        showAnswer();
      } else if (key >= "1" && key <= "4" && revealed()) {
        event.preventDefault();
        press(rate.querySelector('button[value="' + key + '"]'));
      } else if ((key === "u" || key === "U") && undo) {
        event.preventDefault();
        press(undo.querySelector("button"));
      }
    });
  }

  function settingsPage(button) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var select = document.getElementById("time_zone");
    if (!zone || !select || !select.querySelector('option[value="' + zone + '"]')) return;
    button.parentElement.hidden = false;
    button.textContent = "Use this device's time zone (" + zone + ")";
    button.addEventListener("click", function () {
      select.value = zone;
      select.focus();
    });
  }

  var zoneButton = document.getElementById("study-device-zone");
  if (zoneButton) {
    settingsPage(zoneButton);
  } else {
    studyPage();
  }
})();
