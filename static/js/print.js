(function () {
  "use strict";
  var b = document.getElementById("print-report");
  if (b) { b.addEventListener("click", function () { window.print(); }); }
})();
