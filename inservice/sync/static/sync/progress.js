// Poll a running synchronisation run and update its progress bar; reload once it finishes.
(function () {
  "use strict";
  var box = document.getElementById("run-progress-box");
  if (!box || !box.dataset.progressUrl) {
    return;
  }
  var bar = document.getElementById("run-progress");
  var statusLabel = document.getElementById("run-status-label");
  var phaseLabel = document.getElementById("run-phase-label");
  var percent = document.getElementById("run-percent");
  var POLL_MILLISECONDS = 1500;

  function poll() {
    fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        bar.value = data.percent;
        bar.textContent = data.percent + "%";
        statusLabel.textContent = data.status_label;
        phaseLabel.textContent = data.phase_label;
        percent.textContent = data.percent;
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, POLL_MILLISECONDS);
        }
      })
      .catch(function () {
        // Keep the last figures and try again later; the page also has a refresh link.
        window.setTimeout(poll, POLL_MILLISECONDS * 4);
      });
  }

  window.setTimeout(poll, POLL_MILLISECONDS);
})();
