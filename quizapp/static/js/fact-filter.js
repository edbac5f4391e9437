// The item editor's fact list: typing in "Find a fact" shows only the facts whose
// id, statement or source holds every typed word, and opens their topics.
// Without JavaScript the filter stays hidden and every topic can still be opened.
(function () {
  "use strict";

  var field = document.getElementById("fact-filter-field");
  var filter = document.getElementById("fact-filter");
  if (!field || !filter) return;
  field.hidden = false;

  function apply() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll(".fact-group").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("li").forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) shown += 1;
      });
      group.hidden = shown === 0;
      if (words.length) group.open = shown > 0;
    });
  }

  filter.addEventListener("input", apply);
  // Enter in the filter must not submit the item form.
  filter.addEventListener("keydown", function (event) {
    if (event.key === "Enter") event.preventDefault();
  });
})();
