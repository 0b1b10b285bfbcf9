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

  // A visitor's first page was written before the server knew the browser's zone: show
  // those times in the browser's zone now (a zone chosen in the settings always wins).
  function zoneTime(date, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23", timeZoneName: "longOffset"
    }).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    var offset = (parts.timeZoneName || "GMT").replace("GMT", "UTC");
    if (offset === "UTC") { offset = "UTC+00:00"; }
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" +
      parts.minute + " " + offset;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone || document.documentElement.hasAttribute("data-zone-fixed")) { return; }
    document.querySelectorAll("[data-viewer-time]").forEach(function (el) {
      if (el.getAttribute("data-zone") === zone) { return; }
      try {
        el.textContent = zoneTime(new Date(el.getAttribute("datetime")), zone);
        el.setAttribute("data-zone", zone);
      } catch (e) { /* a zone this browser cannot format: keep the server's text */ }
    });
    document.querySelectorAll("[data-your-time][hidden]").forEach(function (el) {
      // shown only when the browser's clock reads otherwise than the program's then
      var program = el.getAttribute("data-program-zone");
      var time = el.querySelector("[data-viewer-time]");
      if (program === zone || !time) { return; }
      try {
        var when = new Date(time.getAttribute("datetime"));
        if (zoneTime(when, program).slice(0, 16) !== zoneTime(when, zone).slice(0, 16)) {
          el.hidden = false;
        }
      } catch (e) { el.hidden = false; }
    });
    document.querySelectorAll("[data-viewer-zone]").forEach(function (el) {
      el.textContent = zone;   // the footer names the zone the times are now shown in
    });
  });

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

  // Leaving a form with typing not yet saved (a language switch, a link, closing the tab):
  // the browser asks first. Submitting the form is not leaving it.
  document.addEventListener("DOMContentLoaded", function () {
    var changed = false;
    document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
      form.addEventListener("input", function () { changed = true; });
      form.addEventListener("change", function () { changed = true; });
      form.addEventListener("submit", function () { changed = false; });
    });
    window.addEventListener("beforeunload", function (event) {
      if (!changed) { return; }
      event.preventDefault();
      event.returnValue = "";
    });
  });
})();
