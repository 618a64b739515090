// evo dashboard: live refresh. The server sends a "change" event whenever the experiment may
// have changed; the page then fetches itself again and swaps its <main>. Nothing else.
(function () {
  "use strict";
  var live = document.getElementById("live");
  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { cache: "no-store" }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("main");
      var main = document.getElementById("main");
      if (fresh && main) {
        main.innerHTML = fresh.innerHTML;
        main.dataset.generation = fresh.dataset.generation;
      }
      if (live) { live.textContent = "live · " + new Date().toLocaleTimeString(); live.className = "live on"; }
    }).catch(function () {
      if (live) { live.textContent = "reconnecting"; live.className = "live off"; }
    }).finally(function () {
      busy = false;
      if (again) { again = false; refresh(); }
    });
  }
  if (!window.EventSource) { return; }
  var es = new EventSource("/events");
  es.addEventListener("hello", function () {
    if (live) { live.textContent = "live"; live.className = "live on"; }
  });
  es.addEventListener("change", refresh);
  es.onerror = function () {
    if (live) { live.textContent = "reconnecting"; live.className = "live off"; }
  };
})();
