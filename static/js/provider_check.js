// While the provider's DNS check or submission probe runs, ask every 2 seconds whether it is done;
// then fetch this page again and put its new answer in place (no reload, no lost scroll position).
(function () {
  "use strict";
  var tries = 0;
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { "X-OKBNET-Refresh": "1" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var main = document.getElementById("main");
        if (fresh && main) {
          main.innerHTML = fresh.innerHTML;
          document.dispatchEvent(new Event("okbnet:updated"));
          setTimeout(poll, 2000);  // a second look-up (e.g. the probe after DNS) may still run
        }
      });
  }
  function poll() {
    var box = document.getElementById("provider-check");
    if (!box || !box.dataset.poll || tries++ > 30) return;
    fetch(box.dataset.poll, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state && !state.pending) refresh();
        else setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 4000); });
  }
  setTimeout(poll, 2000);
})();
