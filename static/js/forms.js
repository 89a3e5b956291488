// The GOV.UK error-summary pattern: the summary takes focus when the page opens with errors,
// and its links move focus to the field itself.
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var box = target.closest(".field");
    if (box) box.hidden = false;
    target.focus();
    (box || target).scrollIntoView({ block: "start" });
  });
})();
