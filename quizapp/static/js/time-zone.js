// Registration: fill the hidden time-zone field with the browser's IANA zone
// (for example "Europe/Paris"). The server checks the name against zoneinfo and
// keeps UTC when it is missing or unknown, so the form works without script.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (error) {
    return;
  }
  if (!zone) return;
  var fields = document.querySelectorAll("input[data-detect-time-zone]");
  for (var i = 0; i < fields.length; i += 1) fields[i].value = zone;
})();
