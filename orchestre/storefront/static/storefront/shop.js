/* Orchestre storefront: the search combobox (WAI-ARIA combobox with a listbox popup) and
   small htmx follow-ups. Everything works without this file: the search box is a plain
   form, the filters a plain GET form and the cart forms plain POST forms. */
(function () {
  "use strict";

  var input = document.getElementById("search-input");
  var list = document.getElementById("search-suggestions");
  var active = -1;

  function options() {
    return list.querySelectorAll('[role="option"]');
  }

  function setActive(index) {
    var items = options();
    active = index;
    for (var i = 0; i < items.length; i++) {
      items[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (index >= 0 && items[index]) {
      input.setAttribute("aria-activedescendant", items[index].id);
      items[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function show(open) {
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(-1);
  }

  function choose(option) {
    window.location.assign(option.getAttribute("data-href"));
  }

  if (input && list) {
    document.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target !== list) return;
      active = -1;
      show(options().length > 0 && document.activeElement === input);
    });

    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!items.length) return;
        event.preventDefault();
        if (list.hidden) show(true);
        var step = event.key === "ArrowDown" ? 1 : -1;
        if (active < 0) {
          setActive(step > 0 ? 0 : items.length - 1);
        } else {
          setActive((active + step + items.length) % items.length);
        }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0 && items[active]) {
          event.preventDefault();
          choose(items[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          show(false);
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
        }
      }
    });

    input.addEventListener("blur", function () {
      show(false);
    });

    // Keep the focus in the input while an option is clicked, then follow it.
    list.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest('[role="option"]');
      if (option) choose(option);
    });
  }

  // On small screens the filters start folded, so the products come first.
  var filters = document.getElementById("filters-panel");
  if (filters && window.matchMedia("(max-width: 52rem)").matches) filters.open = false;

  // After a listing update, the language link keeps the new address.
  document.addEventListener("htmx:pushedIntoHistory", function () {
    var link = document.querySelector("a.language");
    if (!link) return;
    var path = window.location.pathname.replace(/^\/en(?=\/)/, "");
    link.href = link.dataset.prefix + path + window.location.search;
  });

  // A new page of results takes the focus, so keyboard and screen reader users start
  // reading at the first product instead of losing their place.
  var fromPagination = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    fromPagination = !!(event.detail.elt.closest && event.detail.elt.closest(".pagination"));
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    focusAfterCartUpdate(event);
    if (!fromPagination) return;
    fromPagination = false;
    var results = document.getElementById("results");
    if (results) {
      results.focus();
      results.scrollIntoView({ block: "start" });
    }
  });

  // Cart forms answer a refused change (400/404/409) with the message to show in place, so
  // those answers are swapped in like any other instead of being dropped as failures.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if ((status === 400 || status === 404 || status === 409) &&
        form && form.closest && form.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a change on the cart page the table is new: the server names the element that
  // takes the focus (the quantity just changed, or the heading after a removal), so
  // keyboard and screen reader users keep their place.
  function focusAfterCartUpdate(event) {
    var contents = document.getElementById("cart-contents");
    if (!contents || event.detail.target !== contents) return;
    var holder = contents.querySelector("[data-focus]");
    var element = holder && document.getElementById(holder.getAttribute("data-focus"));
    if (element) element.focus();
  }
})();
