// Show only the questions that matter for the chosen way of sending (progressive enhancement:
// without JavaScript every question stays visible and the server ignores the irrelevant ones).
(function () {
  "use strict";
  var form = document.querySelector(".check-form");
  if (!form) return;
  var needsPort = ["okbnet", "other_provider", "own_server"];
  function sendingVia() {
    var checked = form.querySelector('input[name="sending_via"]:checked');
    return checked ? checked.value : "";
  }
  function show(name, visible) {
    var box = document.getElementById("field-" + name);
    if (box) box.hidden = !visible;
  }
  function update() {
    var via = sendingVia();
    show("port", needsPort.indexOf(via) !== -1);
    show("provider_submission", via === "other_provider");
    show("provider_host", via === "other_provider");
    show("provider_domain", via === "other_provider");
    show("okbnet_address", via === "okbnet" || via === "other_provider");
  }
  form.addEventListener("change", update);
  update();
})();
