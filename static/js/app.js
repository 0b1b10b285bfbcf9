// Progressive enhancements only: every page works without this script.
(function () {
  "use strict";
  // Remember the browser's time zone so deadlines can be shown in the viewer's zone.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + zone) === -1) {
      document.cookie = "tz=" + zone + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* old browser: the program's zone is shown */ }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-add-indicator]");
    var table = document.querySelector("[data-indicator-table] tbody");
    if (!button || !table) { return; }
    button.addEventListener("click", function () {
      var rows = table.querySelectorAll("[data-indicator-row]");
      var last = rows[rows.length - 1];
      var clone = last.cloneNode(true);
      var next = rows.length;
      clone.querySelectorAll("input, select").forEach(function (input) {
        input.name = input.name.replace(/indicators-\d+-/, "indicators-" + next + "-");
        input.id = input.id.replace(/indicators-\d+-/, "indicators-" + next + "-");
        if (input.tagName === "INPUT") { input.value = ""; } else { input.selectedIndex = 0; }
      });
      clone.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      table.appendChild(clone);
      clone.querySelector("input").focus();
    });
  });
})();
