// Symptom autocomplete with removable chips. Works without JavaScript too (free text only).
(function () {
  "use strict";
  var input = document.getElementById("symptom-search");
  if (!input) { return; }
  var list = document.getElementById("symptom-suggestions");
  var chipList = document.getElementById("chip-list");
  var hidden = document.getElementById("id_chips");
  var url = input.getAttribute("data-autocomplete-url");
  var chips = hidden.value ? hidden.value.split(",").filter(Boolean) : [];
  var active = -1, results = [], timer = null;

  function render() {
    chipList.innerHTML = "";
    chips.forEach(function (name, i) {
      var li = document.createElement("li");
      li.className = "chip";
      li.textContent = name + " ";
      var b = document.createElement("button");
      b.type = "button"; b.className = "link-button"; b.textContent = "×";
      b.setAttribute("aria-label", "Remove " + name);
      b.addEventListener("click", function () { chips.splice(i, 1); render(); input.focus(); });
      li.appendChild(b);
      chipList.appendChild(li);
    });
    hidden.value = chips.join(",");
  }
  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
  function choose(i) {
    var r = results[i];
    if (r && chips.indexOf(r.name) === -1) { chips.push(r.name); render(); }
    input.value = ""; close();
  }
  function show() {
    list.innerHTML = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "sugg-" + i; li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === active ? "true" : "false");
      li.textContent = r.name + (r.matched ? " (" + r.matched + ")" : "");
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    if (active >= 0) { input.setAttribute("aria-activedescendant", "sugg-" + active); }
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { results = []; close(); return; }
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { results = data.results || []; active = results.length ? 0 : -1; show(); })
        .catch(function () { results = []; close(); });
    }, 120);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && results.length) { active = (active + 1) % results.length; show(); e.preventDefault(); }
    else if (e.key === "ArrowUp" && results.length) { active = (active - 1 + results.length) % results.length; show(); e.preventDefault(); }
    else if (e.key === "Enter") {
      if (!list.hidden && active >= 0) { choose(active); e.preventDefault(); }
      else if (input.value.trim()) { chips.push(input.value.trim()); input.value = ""; render(); e.preventDefault(); }
    } else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 150); });
  render();
})();
