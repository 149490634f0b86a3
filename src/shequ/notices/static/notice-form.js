/* The notice form shows the income/expense table (typed, pasted or uploaded) only for
   财务公开. Without this script every field shows and the form works the same. */
(function () {
  'use strict';
  var FINANCE = '财务公开';
  var PARTS = ['.item-table', '.item-table_paste', '.item-table_file'];

  function setup() {
    var select = document.querySelector('form#deform select[name="category"]');
    if (!select) { return; }
    var parts = PARTS.map(function (q) { return document.querySelector('form#deform ' + q); })
      .filter(function (el) { return el; });

    function update() {
      var finance = select.value === FINANCE;
      parts.forEach(function (el) {
        // rows already typed stay in sight: hiding them would post what nobody sees
        var hasRows = el.matches('.item-table') && el.querySelector('.deform-seq-item');
        el.classList.toggle('js-finance-off', !finance && !hasRows);
      });
    }
    select.addEventListener('change', update);
    update();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setup);
  } else {
    setup();
  }
}());
