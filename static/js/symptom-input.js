// The symptom check form. Everything works without JavaScript (free text, every question shown);
// this adds three things:
// 1. symptom autocomplete with removable chips, following the WAI-ARIA combobox pattern (list
//    autocomplete, no automatic selection): nothing is highlighted until the arrow keys move into
//    the list, so Down then Enter picks the FIRST suggestion; "No matches" is shown and announced;
//    options show the symptom's own name only, never the misspelling that matched;
// 2. a character counter for the description (the limit is data-maxlength; the server refuses
//    longer text with a message, so nothing is cut off silently);
// 3. "Who is this check for?": age and sex only for "My child" / "Someone else" (and for a guest), pregnancy and
//    breastfeeding hidden for a male.
(function () {
  "use strict";

  function autocomplete() {
    var input = document.getElementById("symptom-search");
    if (!input) { return; }
    var list = document.getElementById("symptom-suggestions");
    var status = document.getElementById("symptom-search-status");
    var chipList = document.getElementById("chip-list");
    var hidden = document.getElementById("id_chips");
    var url = input.getAttribute("data-autocomplete-url");
    var chips = hidden.value ? hidden.value.split(",").filter(Boolean) : [];
    var active = -1, results = [], timer = null, requestNo = 0;

    function say(text) { status.textContent = text; }

    function renderChips() {
      chipList.innerHTML = "";
      chips.forEach(function (name, i) {
        var li = document.createElement("li");
        li.className = "chip";
        li.appendChild(document.createTextNode(name + " "));
        var b = document.createElement("button");
        b.type = "button"; b.className = "link-button chip-remove"; b.textContent = "×";
        b.setAttribute("aria-label", "Remove " + name);
        b.addEventListener("click", function () {
          chips.splice(i, 1); renderChips(); say(name + " removed."); input.focus();
        });
        li.appendChild(b);
        chipList.appendChild(li);
      });
      hidden.value = chips.join(",");
    }

    function setActive(i) {
      active = i;
      var options = list.querySelectorAll("[role=option]");
      for (var k = 0; k < options.length; k++) {
        options[k].setAttribute("aria-selected", k === active ? "true" : "false");
      }
      if (active >= 0 && options[active]) {
        input.setAttribute("aria-activedescendant", options[active].id);
        if (options[active].scrollIntoView) { options[active].scrollIntoView({ block: "nearest" }); }
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function add(name) {
      if (name && chips.indexOf(name) === -1) { chips.push(name); renderChips(); }
      say(name + " added.");
      input.value = ""; results = []; list.innerHTML = ""; close();
    }

    function show(query) {
      list.innerHTML = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = "symptom-option-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = r.name; // the symptom's own name only, never the matched misspelling
        li.addEventListener("mousedown", function (e) { e.preventDefault(); add(r.name); });
        list.appendChild(li);
      });
      setActive(-1); // nothing is chosen until the person moves into the list
      if (results.length) {
        open();
        say(results.length === 1 ? "1 suggestion. Use the down arrow to choose it."
          : results.length + " suggestions. Use the up and down arrows to choose one.");
      } else {
        close();
        say("No matches for “" + query + "”. Describe it in your own words in the box below instead.");
      }
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { results = []; list.innerHTML = ""; close(); say(""); return; }
      timer = setTimeout(function () {
        var mine = ++requestNo;
        fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            if (mine !== requestNo) { return; } // an older answer arriving late
            results = data.results || [];
            show(q);
          })
          .catch(function () { results = []; close(); say(""); });
      }, 150);
    });

    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "Down") {
        if (!results.length) { return; }
        e.preventDefault();
        if (list.hidden) { open(); setActive(0); } else { setActive((active + 1) % results.length); }
      } else if (e.key === "ArrowUp" || e.key === "Up") {
        if (!results.length) { return; }
        e.preventDefault();
        if (list.hidden) { open(); }
        setActive(active <= 0 ? results.length - 1 : active - 1);
      } else if (e.key === "Enter") {
        // Enter never submits the whole form from this box: it adds the chosen suggestion, or
        // what was typed (read like the description, typos and all).
        if (!list.hidden && active >= 0) { e.preventDefault(); add(results[active].name); }
        else if (input.value.trim()) { e.preventDefault(); add(input.value.trim()); }
      } else if (e.key === "Escape" || e.key === "Esc") {
        if (!list.hidden) { e.preventDefault(); close(); }
        else if (input.value) { e.preventDefault(); input.value = ""; say(""); }
      } else if (e.key === "Home" || e.key === "End") {
        setActive(-1); // the caret moves in the text box again
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    renderChips();
  }

  function characterCount() {
    var box = document.getElementById("id_text");
    var counter = document.getElementById("id_text_counter");
    if (!box || !counter) { return; }
    var limit = parseInt(box.getAttribute("data-maxlength"), 10);
    if (!limit) { return; }
    // Screen readers hear the count once typing pauses, not on every key.
    var spoken = document.createElement("p");
    spoken.className = "visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    counter.parentNode.insertBefore(spoken, counter.nextSibling);
    var timer = null;

    function message() {
      var left = limit - box.value.length;
      if (left >= 0) { return "You have " + left + (left === 1 ? " character" : " characters") + " remaining."; }
      return "You have " + (-left) + (left === -1 ? " character" : " characters") + " too many.";
    }
    function update(announce) {
      var over = box.value.length > limit;
      counter.textContent = message();
      counter.classList.toggle("error", over);
      box.classList.toggle("over-limit", over);
      if (announce) {
        clearTimeout(timer);
        timer = setTimeout(function () { spoken.textContent = message(); }, 1000);
      }
    }
    box.addEventListener("input", function () { update(true); });
    update(false);
  }

  function subjectQuestions() {
    var radios = document.querySelectorAll("input[name=subject_for]");
    var details = document.getElementById("subject-details");
    var pregnancy = document.getElementById("pregnancy-questions");
    var sex = document.getElementById("id_sex");
    if (!radios.length || !details) { return; }

    function who() {
      for (var i = 0; i < radios.length; i++) { if (radios[i].checked) { return radios[i].value; } }
      return "me";
    }
    // A guest has no profile: age and sex are asked whoever the check is for.
    var guest = details.hasAttribute("data-guest");
    function update() {
      var asked = guest || who() !== "me";
      // A question with an error stays visible so the message can be read and fixed.
      details.hidden = !asked && !details.querySelector(".nhsuk-error-message");
      if (pregnancy && sex) {
        var male = asked && sex.value === "m";
        pregnancy.hidden = male;
        if (male) {
          pregnancy.querySelectorAll("select").forEach(function (s) { s.value = ""; });
        }
      }
    }
    for (var i = 0; i < radios.length; i++) { radios[i].addEventListener("change", update); }
    if (sex) { sex.addEventListener("change", update); }
    update();
  }

  autocomplete();
  characterCount();
  subjectQuestions();
})();
