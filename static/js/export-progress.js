/* Export page: follow the export's progress without reloading; reload once it is finished.
   Without JavaScript the page offers a « Refresh » button instead. */
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var status = box.getAttribute("data-status");
  var bar = document.getElementById("export-progress");
  var text = document.getElementById("export-progress-text");

  function schedule(delay) {
    window.setTimeout(poll, delay);
  }

  function poll() {
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data.finished || (status === "queued" && data.status !== status)) {
          window.location.reload();
          return;
        }
        status = data.status;
        if (bar && data.percent !== null) {
          bar.value = data.percent;
          bar.textContent = data.percent + " %";
        }
        if (text) {
          text.textContent = data.text;
        }
        schedule(2000);
      })
      .catch(function () {
        schedule(10000);
      });
  }

  schedule(2000);
})();
