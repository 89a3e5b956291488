// Copy buttons next to the values to type (progressive enhancement: hidden without JavaScript
// or without the clipboard). The button says it copied, and a live region tells screen readers.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  function bind() {
    document.querySelectorAll("[data-copy]:not([data-copy-bound])").forEach(function (button) {
      button.setAttribute("data-copy-bound", "");
      var value = button.parentElement.querySelector("[data-copy-value]");
      var status = button.nextElementSibling;
      if (!value) return;
      var label = button.textContent;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(value.textContent.trim()).then(function () {
          button.textContent = button.getAttribute("data-copied-text");
          button.classList.add("copied");
          if (status) status.textContent = button.getAttribute("data-copied-text") + ": " + value.textContent.trim();
          setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 4000);
        });
      });
    });
  }
  bind();
  // A page that puts a new answer in place (provider_check.js) says so: bind its buttons too.
  document.addEventListener("okbnet:updated", bind);
})();
