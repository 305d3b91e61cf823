// Supportdesk's progressive JavaScript: every page works without it; this
// only saves clicks. No inline script anywhere (the CSP forbids it).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Selects marked data-autosubmit (the language picker) submit on change.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  // Forms marked data-once disable their submit buttons after the first
  // submit, so a double click sends one request (the server also guards
  // with an idempotency key).
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      setTimeout(function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  // Drop zones: a file input inside .dropzone accepts dragged files and
  // checks the size limit (data-max-bytes) before anything is uploaded.
  // When the form is marked data-upload-progress, it is sent with
  // XMLHttpRequest so that a <progress> element can show how far it got.
  document.querySelectorAll(".dropzone").forEach(function (zone) {
    var input = zone.querySelector("input[type=file]");
    var msg = zone.querySelector("[data-size-error]");
    if (!input) { return; }
    var max = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
    function check() {
      var tooBig = false;
      Array.prototype.forEach.call(input.files || [], function (f) { if (max && f.size > max) { tooBig = true; } });
      if (msg) { msg.hidden = !tooBig; }
      input.setAttribute("aria-invalid", tooBig ? "true" : "false");
      return !tooBig;
    }
    input.addEventListener("change", check);
    zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        check();
      }
    });
    var form = input.form;
    if (form && form.hasAttribute("data-upload-progress")) {
      form.addEventListener("submit", function (e) {
        if (!check()) { e.preventDefault(); return; }
        if (!window.FormData || !input.files || !input.files.length) { return; }
        e.preventDefault();
        var bar = form.querySelector("progress");
        var xhr = new XMLHttpRequest();
        xhr.open(form.method, form.action);
        xhr.upload.addEventListener("progress", function (ev) {
          if (bar && ev.lengthComputable) { bar.hidden = false; bar.max = ev.total; bar.value = ev.loaded; }
        });
        xhr.addEventListener("load", function () {
          // A good post ends in a redirect, which XHR followed: go there.
          // A refused one is sent again the plain way, so that the page
          // with the problems marked replaces this one.
          if (xhr.status >= 400) { form.submit(); return; }
          window.location.assign(xhr.responseURL || window.location.href);
        });
        xhr.addEventListener("error", function () { form.submit(); });
        xhr.send(new FormData(form));
      });
    }
  });

  // The case form: the business impact becomes required when the highest
  // severity is chosen, and the expected wait follows the chosen product,
  // severity and contact method. Without the script the form lists every
  // wait and every contact method's note, and the server checks the
  // impact all the same.
  var caseForm = document.getElementById("case-form");
  if (caseForm) {
    var impact = caseForm.querySelector("[data-required-for]");
    var waitText = document.getElementById("expected-wait");
    var chosen = function (name) {
      var el = caseForm.querySelector("input[name=" + name + "]:checked") || caseForm.querySelector("select[name=" + name + "]");
      return el ? el.value : "";
    };
    var update = function () {
      var sev = chosen("severity"), product = chosen("product"), method = chosen("contact_method");
      if (impact) {
        var required = sev === impact.getAttribute("data-required-for");
        impact.required = required;
        impact.setAttribute("aria-required", required ? "true" : "false");
      }
      caseForm.querySelectorAll("tr[data-wait-product]").forEach(function (row) {
        var current = row.getAttribute("data-wait-product") === product && row.getAttribute("data-wait-severity") === sev;
        row.classList.toggle("current", current);
        if (current && waitText && waitText.textContent !== row.getAttribute("data-summary")) {
          waitText.textContent = row.getAttribute("data-summary");
        }
      });
      caseForm.querySelectorAll("[data-method-note]").forEach(function (note) {
        note.hidden = method !== "" && note.getAttribute("data-method-note") !== method;
      });
    };
    caseForm.addEventListener("change", update);
    update();
  }
})();
