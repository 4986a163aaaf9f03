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
    box.insertBefore(this.toolbar, box.firstChild);
    this.toolbar.appendChild(this.status);
    this.apply();
  }

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
      var facet = { col: col, value: null };
      self.facets.push(facet);
      var label = norm(name);
      if (values.length <= FACET_BUTTONS) {
        var group = make("div", { class: "cm-table__facet", role: "group", "aria-label": label });
        group.appendChild(make("span", { class: "cm-table__facet-name", "aria-hidden": "true" }, label + ":"));
        values.forEach(function (v) {
          var b = make("button", { type: "button", class: "cm-table__chip", "aria-pressed": "false", "data-value": v }, v);
          b.appendChild(make("span", { class: "cm-table__count" }, " " + seen[v]));
          b.addEventListener("click", function () {
            facet.value = facet.value === v ? null : v;
            Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) {
              other.setAttribute("aria-pressed", String(other.getAttribute("data-value") === facet.value));
            });
            self.apply();
          });
          group.appendChild(b);
        });
        self.toolbar.appendChild(group);
      } else {
        var id = "cm-facet-" + ++uid;
        var wrap = make("div", { class: "cm-table__facet" });
        wrap.appendChild(make("label", { for: id, class: "cm-table__facet-name" }, label + ":"));
        var select = make("select", { id: id, class: "cm-table__select" });
        select.appendChild(make("option", { value: "" }, "all"));
        values.forEach(function (v) {
          select.appendChild(make("option", { value: v }, v + " (" + seen[v] + ")"));
        });
        select.addEventListener("change", function () {
          facet.value = select.value || null;
          self.apply();
        });
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
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        headerCells(self.table).forEach(function (other) {
          other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", dir);
        self.sort(col, dir === "ascending" ? 1 : -1);
      });
    });
  };

  Table.prototype.sort = function (col, sign) {
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
      return f.value === null || row.cmFacets[f.col].indexOf(f.value) !== -1;
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

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".cm-table"), function (box) {
      if (box.getAttribute("data-cm-ready") === "1" || !box.querySelector("table tbody")) return;
      box.setAttribute("data-cm-ready", "1");
      new Table(box);
    });
  }

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
