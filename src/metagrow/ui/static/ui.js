// metagrow ui: a few conveniences on top of pages that work without script.
(function () {
  "use strict";
  // Run picker and playground task picker: submit on change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  var pick = document.querySelector("select[data-pick]");
  if (pick) {
    pick.addEventListener("change", function () {
      var form = pick.form;
      form.querySelector("#program").disabled = true;  // take the task's own program
      form.querySelector("#input").disabled = true;
      form.submit();
    });
  }
  // Filter a table's rows as one types (the search button still asks the server).
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    var table = document.querySelector(box.getAttribute("data-filter"));
    if (!table) { return; }
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var text = (row.getAttribute("data-search") || "").toLowerCase();
        row.hidden = needle !== "" && text.indexOf(needle) < 0;
      });
    });
  });
  // Live: poll the store's version and reload when it differs from the one the page shows.
  var live = document.getElementById("autorefresh");
  if (!live) { return; }
  var key = "metagrow-ui-live";
  var shown = document.body.getAttribute("data-version");
  live.checked = window.localStorage.getItem(key) === "1";
  live.addEventListener("change", function () {
    window.localStorage.setItem(key, live.checked ? "1" : "0");
    poll();
  });
  function poll() {
    if (!live.checked) { return; }
    fetch("/api/version", { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (shown && data.version !== shown) { window.location.reload(); }
      })
      .catch(function () { /* the server is restarting: try again next time */ });
  }
  poll();
  window.setInterval(poll, 3000);
}());
