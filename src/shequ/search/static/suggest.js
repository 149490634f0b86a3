/* Suggestions as you type for every search form with data-suggest (the ARIA 1.2 combobox
   pattern): arrow keys move through the list, Enter opens the chosen title, Escape closes
   it. Without this script the form simply submits to @@search. */
(function () {
  'use strict';
  var counter = 0;

  function setup(form) {
    var input = form.querySelector('input[name="q"]');
    var url = form.getAttribute('data-suggest');
    if (!input || !url) { return; }
    var id = 'suggest-' + (++counter);
    var list = document.createElement('ul');
    list.id = id;
    list.className = 'suggest-list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', form.getAttribute('data-suggest-label') || '');
    list.hidden = true;
    form.classList.add('has-suggest');
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', id);
    input.setAttribute('autocomplete', 'off');
    var items = [], active = -1, timer = null, asked = '';

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function highlight(n) {
      items.forEach(function (item, i) {
        item.el.setAttribute('aria-selected', i === n ? 'true' : 'false');
      });
      active = n;
      if (n >= 0) {
        input.setAttribute('aria-activedescendant', items[n].el.id);
        items[n].el.scrollIntoView({block: 'nearest'});
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function show(found) {
      list.textContent = '';
      items = found.map(function (s, i) {
        var li = document.createElement('li');
        li.id = id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.textContent = s.title;
        if (s.tenant) {
          var unit = document.createElement('span');
          unit.className = 'suggest-unit';
          unit.textContent = s.tenant;
          li.appendChild(unit);
        }
        li.addEventListener('mousedown', function (event) {
          event.preventDefault();        // keep the focus in the input
          window.location.href = s.url;
        });
        list.appendChild(li);
        return {el: li, url: s.url};
      });
      active = -1;
      list.hidden = !items.length;
      input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (!q) { show([]); return; }
      fetch(url + '?q=' + encodeURIComponent(q), {headers: {'Accept': 'application/json'},
                                                  credentials: 'same-origin'})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) { if (input.value.trim() === q) { show(data.suggestions || []); } })
        .catch(function () { show([]); });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown') {
        if (list.hidden && items.length) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
        if (items.length) { highlight((active + 1) % items.length); }
        event.preventDefault();
      } else if (event.key === 'ArrowUp') {
        if (items.length) { highlight(active <= 0 ? items.length - 1 : active - 1); }
        event.preventDefault();
      } else if (event.key === 'Enter') {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          window.location.href = items[active].url;
        }
      } else if (event.key === 'Escape') {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-suggest]'), setup);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
