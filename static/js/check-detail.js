// A question page: move focus to the question (the page's h1) so keyboard and screen-reader users
// start there, one Tab from "Yes". Not when the address names another part of the page.
(function () {
  "use strict";
  var heading = document.getElementById("question-heading");
  if (!heading || window.location.hash) { return; }
  heading.focus();
})();
