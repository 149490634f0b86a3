// Forms marked data-confirm="question" ask before they are sent (no inline handlers:
// the Content-Security-Policy runs scripts from this site only).
document.addEventListener('submit', function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);
