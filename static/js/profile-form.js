// Health profile: ask about pregnancy only when sex is female. Without JavaScript the question
// is always shown and the server refuses pregnancy with any other sex (accounts/forms.py).
(function () {
  "use strict";
  var sex = document.getElementById("id_sex");
  var pregnancy = document.getElementById("id_pregnancy");
  if (!sex || !pregnancy) { return; }
  var field = pregnancy.closest(".field");
  if (!field) { return; }
  function update() {
    // A field with an error stays visible so the message can be read and fixed.
    var applies = sex.value === "f" || field.classList.contains("has-error");
    field.hidden = !applies;
    if (!applies) { pregnancy.value = "na"; }
  }
  sex.addEventListener("change", function () { field.classList.remove("has-error"); update(); });
  update();
})();
