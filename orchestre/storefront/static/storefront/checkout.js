/* Checkout: hide the billing address while "same as shipping" is ticked, and the password
   until "create an account" is. Without this file both stay visible and are ignored while
   their box is unticked. */
(function () {
  "use strict";
  function toggle(boxId, sectionId, showWhenChecked) {
    var box = document.getElementById(boxId);
    var section = document.getElementById(sectionId);
    if (!box || !section) return;
    function sync() {
      section.hidden = box.checked !== showWhenChecked;
    }
    box.addEventListener("change", sync);
    sync();
  }
  toggle("id_billing_same", "billing-address", false);
  toggle("id_create_account", "account-password", true);
  var alert = document.getElementById("checkout-errors");
  if (alert) alert.focus();
})();
