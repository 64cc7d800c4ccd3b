/* The portal's few behaviours on every page (loaded with defer; everything works without it).
   1. After a failed submit, focus the error summary, so screen readers and keyboard users start there;
      its links focus the field (a radio or checkbox group: its first option) instead of only scrolling.
   2. A 街镇 <select data-street-for="id_district"> shows only the 街镇 of the chosen 区 (its options are
      grouped by 区 name); the server still checks that the two agree, and without JavaScript every
      街镇 stays listed. */
(function () {
  "use strict";

  function focusField(target) {
    if (!target) return false;
    var field = target.matches("input, select, textarea, button, trix-editor")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea, trix-editor");
    if (!field) return false;
    var group = field.closest("fieldset") || field.closest(".mb-3") || field;
    var label = group.querySelector("legend") || document.querySelector("label[for='" + field.id + "']");
    (label || field).scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    return true;
  }

  function errorSummary() {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (!summary) return;
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (focusField(target)) event.preventDefault();
    });
  }

  function streetSelects() {
    document.querySelectorAll("select[data-street-for]").forEach(function (streets) {
      var district = document.getElementById(streets.dataset.streetFor);
      if (!district) return;
      var groups = Array.prototype.filter.call(streets.children, function (el) {
        return el.tagName === "OPTGROUP";
      });
      var loose = Array.prototype.filter.call(streets.children, function (el) {
        return el.tagName === "OPTION";
      });
      function districtName() {
        var option = district.options[district.selectedIndex];
        return option && option.value ? option.textContent.trim() : "";
      }
      function apply() {
        var name = districtName();
        var chosen = streets.value;
        groups.forEach(function (group) {
          if (group.parentNode) group.parentNode.removeChild(group);
        });
        groups.forEach(function (group) {
          if (!name || group.label === name) streets.appendChild(group);
        });
        var still = Array.prototype.some.call(streets.options, function (o) {
          return o.value === chosen;
        });
        streets.value = still ? chosen : loose.length ? loose[0].value : "";
      }
      district.addEventListener("change", apply);
      apply();
    });
  }

  function start() {
    errorSummary();
    streetSelects();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
