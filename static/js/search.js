// Search page enhancements; the page works without this script.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Sort as soon as another order is chosen.
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    // On phones the filters start folded so the results come first.
    var facets = document.querySelector(".facet-toggle");
    if (facets && window.matchMedia("(max-width: 760px)").matches) { facets.open = false; }
  });
})();
