// While a DNS check runs, fetch its facts every 2 seconds and replace the section (no reload).
(function () {
  "use strict";
  var tries = 0;
  function poll() {
    var box = document.getElementById("dns-facts");
    if (!box || !box.dataset.poll || tries++ > 30) return;
    fetch(box.dataset.poll, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html) box.outerHTML = html;
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 2000);
})();
