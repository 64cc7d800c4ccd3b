/* A background job's page (portal/job_views.py): poll its JSON and move the <progress> bar and the
   texts (in an aria-live="polite" region) without reloading; when the job ends, go on to its next page
   (the import's preview) or reload to show the file or the message. Without JavaScript the page
   refreshes itself (<noscript> meta refresh) and has a 刷新 link. */
(function () {
  "use strict";
  var box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("job-bar");
  var delay = 700;

  function show(state) {
    box.querySelectorAll("[data-job-field]").forEach(function (el) {
      var value = state[el.dataset.jobField];
      if (value !== undefined && value !== null && el.textContent !== String(value)) el.textContent = value;
    });
    if (bar) {
      bar.max = Math.max(state.rows_total, 1);
      bar.value = state.rows_done;
      bar.textContent = state.percent + "%";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.finished) {
          if (state.next_url) window.location.assign(state.next_url);
          else window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.2, 3000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, delay);
})();
