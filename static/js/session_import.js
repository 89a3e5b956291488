// The session-log import page follows the worker: rows done / total, then the result.
(function () {
  "use strict";
  var box = document.querySelector(".session-import[data-status-url]");
  if (!box || box.getAttribute("data-finished") === "1") return;
  var url = box.getAttribute("data-status-url");
  var delay = 1000;
  function text(role, value) {
    var el = box.querySelector('[data-role="' + role + '"]');
    if (el) el.textContent = value;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        text("status-label", s.status_label);
        if (s.finished) {
          box.setAttribute("data-finished", "1");
          var running = box.querySelector('[data-role="running"]');
          if (running) running.hidden = true;
          // Server-rendered (escaped) HTML of the result: the count, or the bad lines.
          box.querySelector('[data-role="result"]').innerHTML = s.result_html;
          return;
        }
        text("rows-done", s.rows_done);
        text("total-rows", s.total_rows);
        var bar = box.querySelector('[data-role="bar"]');
        if (bar) { bar.max = Math.max(s.total_rows, 1); bar.value = s.rows_done; }
        delay = 1000;
        setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
