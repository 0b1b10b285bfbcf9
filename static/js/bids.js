// Bids and team profile: add rows to milestone, budget and member lists, show running totals,
// confirm withdrawal. Progressive enhancement only: the forms work without this script.
(function () {
  "use strict";

  function renumber(row, prefix, next) {
    var pattern = new RegExp(prefix + "-\\d+-");
    row.querySelectorAll("input, select, textarea, label, [id]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + next + "-")); }
      });
      if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") { el.value = ""; }
    });
    row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
  }

  function addRow(prefix) {
    var container = document.querySelector("[data-rows='" + prefix + "']");
    if (!container) { return; }
    var rows = container.querySelectorAll("[data-row]");
    var last = rows[rows.length - 1];
    var clone = last.cloneNode(true);
    renumber(clone, prefix, rows.length);
    last.parentNode.insertBefore(clone, last.nextSibling);
    var first = clone.querySelector("input:not([type=hidden]), textarea");
    if (first) { first.focus(); }
  }

  function sum(selector) {
    var total = 0;
    document.querySelectorAll(selector).forEach(function (input) {
      var text = (input.value || "").trim();
      // a decimal comma (1,5) is never read as 15: the server refuses it too
      if (/\d[,，](?!\d{3}(\D|$))/.test(text)) { return; }
      var value = parseFloat(text.replace(/[,，]/g, ""));
      if (!isNaN(value)) { total += value; }
    });
    return Math.round(total * 100) / 100;
  }

  function updateTotals() {
    var share = document.querySelector("[data-share-total]");
    if (share) {
      var s = sum("[data-share]");
      share.textContent = s + "%";
      share.classList.toggle("off", s !== 100);
    }
    var amount = document.querySelector("[data-amount-total]");
    if (amount) { amount.textContent = sum("[data-amount]"); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.addEventListener("click", function () {
        addRow(button.getAttribute("data-add-row"));
        updateTotals();
      });
    });
    document.addEventListener("input", function (event) {
      if (event.target.matches("[data-share], [data-amount]")) { updateTotals(); }
    });
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    updateTotals();
  });
})();
