// The plan-change stepper updates itself: poll the request's JSON status until it is finished.
(function () {
  "use strict";
  var box = document.querySelector(".plan-change[data-status-url]");
  if (!box || box.getAttribute("data-finished") === "1") return;
  var url = box.getAttribute("data-status-url");
  var delay = 1000;
  function text(role, value) {
    var el = box.querySelector('[data-role="' + role + '"]');
    if (el) el.textContent = value;
  }
  function render(s) {
    text("status-label", s.status_label);
    s.steps.forEach(function (step) {
      var li = box.querySelector('[data-step="' + step.code + '"]');
      if (!li) return;
      li.classList.toggle("done", step.done);
      var state = li.querySelector('[data-role="step-state"]');
      if (state) state.textContent = box.getAttribute(step.done ? "data-done-text" : "data-todo-text") + ": ";
    });
    var cancel = box.querySelector('[data-role="cancel"]');
    if (cancel && !s.cancellable) cancel.hidden = true;
    if (s.status === "completed") {
      text("username", s.new_connection_username);
      text("ip", s.fixed_ip);
      box.querySelector('[data-role="result"]').hidden = false;
    }
    if (s.finished) {
      box.setAttribute("data-finished", "1");
      text("live", s.status === "failed" ? s.status_label + ": " + s.failure_label : s.status_label);
    }
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (s) {
        render(s);
        if (!s.finished) setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
  }
  setTimeout(poll, delay);
})();
