/* Checkout: hide the billing address while "same as shipping" is ticked. Without this
   file the billing fields stay visible and are ignored when the box is ticked. */
(function () {
  "use strict";
  var same = document.getElementById("id_billing_same");
  var billing = document.getElementById("billing-address");
  if (!same || !billing) return;
  function sync() {
    billing.hidden = same.checked;
  }
  same.addEventListener("change", sync);
  sync();
  var alert = document.getElementById("checkout-errors");
  if (alert) alert.focus();
})();
