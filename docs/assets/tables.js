/* conformap: filter, sort, facets and "Copy rule names" for the site's tables. Local, no library.

   A page marks a table by wrapping it (Markdown in an HTML block, md_in_html):

     <div class="cm-table" data-filter data-sort data-facets="Service|Trigger" data-copy="Rule" data-noun="rules" markdown="1">
     | Rule | Service | Trigger |
     ...
     </div>

   data-filter  a text box above the table: a row stays when one of its cells contains the typed text
                (case-insensitive, spaces folded);
   data-sort    every column header becomes a button that sorts the rows (ascending, then descending;
                numbers as numbers, "SEC-2" before "SEC-10"); the header carries aria-sort;
   data-facets  columns (by header text, "|"-separated) whose values get one-click filters: a button per
                value when there are at most FACET_BUTTONS values, else a drop-down. A cell's values are
                the texts of its links, or its text when it has none;
   data-copy    a "Copy <noun> names" button that copies that column of the rows shown, one per line
                (a cell's first link text, or its text);
   data-noun    what a row is ("rules"), for the status line and the copy button;
   data-placeholder  the filter box's hint.

   Buttons of one facet combine (a row stays when it has any of the values pressed); filters of different
   columns all apply. "Clear filters" resets them. The filter and sort state is in the page's query string
   (?q=ssh&questions=SEC-3,SEC-8&sort=rule&order=desc; the keys of a page's second table start with "t2-"),
   restored on load and on Back and Forward, so a filtered table can be shared as a link.

   Without JavaScript the table is shown whole. Every control is a native <input>, <button> or <select>,
   so the keyboard reaches and works all of them. Material for MkDocs' instant navigation swaps pages
   without a load event: the script runs on each page through the theme's document$ observable. */
(function () {
  "use strict";

  var FACET_BUTTONS = 12;
  var uid = 0;

  function norm(s) {
    return (s || "").replace(/\s+/g, " ").trim();
  }

  function textOf(el) {
    return norm(el.textContent);
  }

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      el.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function headerCells(table) {
    return table.tHead && table.tHead.rows.length ? Array.prototype.slice.call(table.tHead.rows[0].cells) : [];
  }

  function columnIndex(table, name) {
    var wanted = norm(name).toLowerCase();
    return headerCells(table).findIndex(function (th) {
      return textOf(th).toLowerCase() === wanted;
    });
  }

  function cellValues(cell) {
    var links = cell.querySelectorAll("a");
    if (links.length) {
      return Array.prototype.map.call(links, textOf);
    }
    var v = textOf(cell);
    return [v === "" || v === "—" ? "(none)" : v];
  }

  function firstName(cell) {
    var link = cell.querySelector("a");
    return textOf(link || cell);
  }

  var collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
  var NUMBER = /^-?\d+(?:\.\d+)?$/;

  function Table(box) {
    this.box = box;
    this.table = box.querySelector("table");
    this.body = this.table.tBodies[0];
    this.rows = Array.prototype.slice.call(this.body.rows);
    this.noun = box.getAttribute("data-noun") || "rows";
    this.query = "";
    this.facets = [];
    this.sorted = null; // {col, name, sign}
    this.prefix = box.getAttribute("data-cm-prefix") || "";
    this.rows.forEach(function (row, i) {
      row.cmOrder = i;
      row.cmCells = Array.prototype.map.call(row.cells, function (c) {
        return textOf(c).toLowerCase();
      });
    });
    this.toolbar = make("div", { class: "cm-table__tools" });
    this.status = make("p", { class: "cm-table__status", role: "status", "aria-live": "polite" });
    if (box.hasAttribute("data-filter")) this.addFilter();
    if (box.hasAttribute("data-facets")) this.addFacets(box.getAttribute("data-facets").split("|"));
    if (box.hasAttribute("data-copy")) this.addCopy(box.getAttribute("data-copy"));
    if (box.hasAttribute("data-sort")) this.addSort();
    if (box.hasAttribute("data-filter") || this.facets.length) this.addClear();
    box.insertBefore(this.toolbar, box.firstChild);
    this.toolbar.appendChild(this.status);
    this.restore();
  }

  function key(name) {
    return norm(name).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  /* The state in the query string: read on load and on Back/Forward, written on each change. */
  Table.prototype.restore = function () {
    var params = new URLSearchParams(window.location.search);
    var p = this.prefix;
    this.query = norm(params.get(p + "q") || "").toLowerCase();
    if (this.input) this.input.value = params.get(p + "q") || "";
    this.facets.forEach(function (f) {
      var v = params.get(p + f.key);
      f.values = v ? v.split(",").filter(function (x) { return f.all.indexOf(x) !== -1; }) : [];
      f.show();
    });
    var sortKey = params.get(p + "sort");
    var col = sortKey ? headerCells(this.table).findIndex(function (th) { return key(textOf(th)) === sortKey; }) : -1;
    if (col >= 0 && this.box.hasAttribute("data-sort")) {
      this.setSort(col, params.get(p + "order") === "desc" ? -1 : 1);
    } else if (this.sorted) {
      this.sorted = null;
      headerCells(this.table).forEach(function (th) { th.setAttribute("aria-sort", "none"); });
      this.sort(-1, 1);
    }
    this.apply();
  };

  Table.prototype.save = function (push) {
    var params = new URLSearchParams(window.location.search);
    var p = this.prefix;
    var set = function (k, v) {
      if (v) params.set(p + k, v);
      else params.delete(p + k);
    };
    set("q", this.input ? norm(this.input.value) : "");
    this.facets.forEach(function (f) {
      set(f.key, f.values.join(","));
    });
    set("sort", this.sorted ? this.sorted.name : "");
    set("order", this.sorted && this.sorted.sign < 0 ? "desc" : "");
    var search = params.toString();
    var url = window.location.pathname + (search ? "?" + search : "") + window.location.hash;
    if (url === window.location.pathname + window.location.search + window.location.hash) return;
    window.history[push ? "pushState" : "replaceState"](window.history.state, "", url);
  };

  Table.prototype.addClear = function () {
    var self = this;
    var button = make("button", { type: "button", class: "cm-table__clear cm-table__chip" }, "Clear filters");
    button.addEventListener("click", function () {
      self.query = "";
      if (self.input) self.input.value = "";
      self.facets.forEach(function (f) {
        f.values = [];
        f.show();
      });
      self.apply();
      self.save(true);
    });
    this.clear = button;
    this.toolbar.appendChild(button);
  };

  Table.prototype.addFilter = function () {
    var self = this;
    var id = "cm-filter-" + ++uid;
    var wrap = make("div", { class: "cm-table__filter" });
    wrap.appendChild(make("label", { for: id }, "Filter " + this.noun));
    var input = make("input", {
      id: id,
      type: "search",
      class: "cm-table__input md-input",
      placeholder: this.box.getAttribute("data-placeholder") || "Type to filter the rows…",
      autocomplete: "off",
      spellcheck: "false",
    });
    input.addEventListener("input", function () {
      self.query = norm(input.value).toLowerCase();
      self.apply();
      self.save(false); // typing replaces the history entry; a pressed facet or a sort adds one
    });
    wrap.appendChild(input);
    this.input = input;
    this.toolbar.appendChild(wrap);
  };

  Table.prototype.addFacets = function (names) {
    var self = this;
    names.forEach(function (name) {
      var col = columnIndex(self.table, name);
      if (col < 0) return;
      var seen = {};
      self.rows.forEach(function (row) {
        row.cmFacets = row.cmFacets || {};
        row.cmFacets[col] = row.cells[col] ? cellValues(row.cells[col]) : [];
        row.cmFacets[col].forEach(function (v) {
          seen[v] = (seen[v] || 0) + 1;
        });
      });
      var values = Object.keys(seen).sort(collator.compare);
      if (values.length < 2) return;
      var facet = { col: col, key: key(name), values: [], all: values, show: function () {} };
      self.facets.push(facet);
      var label = norm(name);
      if (values.length <= FACET_BUTTONS) {
        var group = make("div", { class: "cm-table__facet", role: "group", "aria-label": label });
        group.appendChild(make("span", { class: "cm-table__facet-name", "aria-hidden": "true" }, label + ":"));
        values.forEach(function (v) {
          var b = make("button", { type: "button", class: "cm-table__chip", "aria-pressed": "false", "data-value": v }, v);
          b.appendChild(make("span", { class: "cm-table__count" }, " " + seen[v]));
          b.addEventListener("click", function () {
            var at = facet.values.indexOf(v);
            if (at === -1) facet.values.push(v);
            else facet.values.splice(at, 1);
            facet.values.sort(collator.compare);
            facet.show();
            self.apply();
            self.save(true);
          });
          group.appendChild(b);
        });
        facet.show = function () {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) {
            other.setAttribute("aria-pressed", String(facet.values.indexOf(other.getAttribute("data-value")) !== -1));
          });
        };
        self.toolbar.appendChild(group);
      } else {
        var id = "cm-facet-" + ++uid;
        var wrap = make("div", { class: "cm-table__facet" });
        wrap.appendChild(make("label", { for: id, class: "cm-table__facet-name" }, label + ":"));
        // autocomplete off: after Back the browser would restore a choice the table does not show
        var select = make("select", { id: id, class: "cm-table__select", autocomplete: "off" });
        select.appendChild(make("option", { value: "" }, "all"));
        values.forEach(function (v) {
          select.appendChild(make("option", { value: v }, v + " (" + seen[v] + ")"));
        });
        select.addEventListener("change", function () {
          facet.values = select.value ? [select.value] : [];
          self.apply();
          self.save(true);
        });
        facet.show = function () {
          select.value = facet.values[0] || "";
        };
        wrap.appendChild(select);
        self.toolbar.appendChild(wrap);
      }
    });
  };

  Table.prototype.addCopy = function (column) {
    var self = this;
    var col = columnIndex(this.table, column);
    if (col < 0) return;
    var singular = norm(column).toLowerCase();
    var button = make("button", { type: "button", class: "cm-table__copy md-button" }, "Copy " + singular + " names");
    this.copyButton = button;
    this.copyLabel = function (n) {
      return "Copy " + n + " " + singular + " " + (n === 1 ? "name" : "names");
    };
    button.addEventListener("click", function () {
      var names = self.visible().map(function (row) {
        return firstName(row.cells[col]);
      });
      copyText(names.join("\n") + "\n").then(
        function () {
          self.say("Copied " + names.length + " " + singular + " " + (names.length === 1 ? "name" : "names") + ", one per line.");
        },
        function () {
          self.say("Could not copy: select the table and copy it instead.");
        }
      );
    });
    this.toolbar.appendChild(button);
  };

  Table.prototype.addSort = function () {
    var self = this;
    headerCells(this.table).forEach(function (th, col) {
      var button = make("button", { type: "button", class: "cm-table__sort" });
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        self.setSort(col, th.getAttribute("aria-sort") === "ascending" ? -1 : 1);
        self.save(true);
      });
    });
  };

  Table.prototype.setSort = function (col, sign) {
    var ths = headerCells(this.table);
    ths.forEach(function (other) {
      other.setAttribute("aria-sort", "none");
    });
    ths[col].setAttribute("aria-sort", sign > 0 ? "ascending" : "descending");
    this.sorted = { col: col, name: key(textOf(ths[col])), sign: sign };
    this.sort(col, sign);
  };

  /* Rows by column ``col`` (-1: the page's own order). */
  Table.prototype.sort = function (col, sign) {
    if (col < 0) {
      var original = this.rows.slice().sort(function (a, b) { return a.cmOrder - b.cmOrder; });
      var tbody = this.body;
      original.forEach(function (row) { tbody.appendChild(row); });
      return;
    }
    var numeric = this.rows.every(function (row) {
      var v = row.cmCells[col] || "";
      return v === "" || v === "—" || NUMBER.test(v.replace(/[ ,]/g, ""));
    });
    var key = function (row) {
      var v = row.cmCells[col] || "";
      return numeric ? parseFloat(v.replace(/[ ,]/g, "")) || 0 : v;
    };
    var sorted = this.rows.slice().sort(function (a, b) {
      var ka = key(a), kb = key(b);
      var c = numeric ? ka - kb : collator.compare(ka, kb);
      return c * sign || a.cmOrder - b.cmOrder;
    });
    var body = this.body;
    sorted.forEach(function (row) {
      body.appendChild(row);
    });
  };

  Table.prototype.matches = function (row) {
    var q = this.query;
    if (q && !row.cmCells.some(function (c) { return c.indexOf(q) !== -1; })) return false;
    return this.facets.every(function (f) {
      return !f.values.length || f.values.some(function (v) { return row.cmFacets[f.col].indexOf(v) !== -1; });
    });
  };

  Table.prototype.visible = function () {
    return Array.prototype.filter.call(this.body.rows, function (row) {
      return !row.hidden;
    });
  };

  Table.prototype.apply = function () {
    var shown = 0;
    var self = this;
    this.rows.forEach(function (row) {
      row.hidden = !self.matches(row);
      if (!row.hidden) shown += 1;
    });
    var total = this.rows.length;
    this.say(shown === total ? total + " " + this.noun : shown + " of " + total + " " + this.noun);
    this.box.setAttribute("data-shown", String(shown));
    if (this.copyButton) this.copyButton.textContent = this.copyLabel(shown);
    if (this.clear) {
      this.clear.disabled = !this.query && this.facets.every(function (f) { return !f.values.length; });
    }
  };

  Table.prototype.say = function (message) {
    this.status.textContent = message;
  };

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return legacyCopy(text);
      });
    }
    return legacyCopy(text);
  }

  function legacyCopy(text) {
    return new Promise(function (resolve, reject) {
      var area = make("textarea", { readonly: "", class: "cm-offscreen" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      document.body.removeChild(area);
      (ok ? resolve : reject)();
    });
  }

  var tables = [];

  function enhance(root) {
    tables = [];
    Array.prototype.forEach.call(root.querySelectorAll(".cm-table"), function (box, i) {
      if (!box.querySelector("table tbody")) return;
      if (box.cmTable) {
        tables.push(box.cmTable);
        return;
      }
      box.setAttribute("data-cm-ready", "1");
      if (i > 0) box.setAttribute("data-cm-prefix", "t" + (i + 1) + "-");
      box.cmTable = new Table(box);
      tables.push(box.cmTable);
    });
  }

  // Back and Forward between states of the same page: each table reads the query string again.
  window.addEventListener("popstate", function () {
    tables.forEach(function (t) {
      if (document.body.contains(t.box)) t.restore();
    });
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () {
      enhance(document);
    });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhance(document);
    });
  } else {
    enhance(document);
  }
})();
