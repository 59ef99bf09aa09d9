/*
 * Ticket widget loader — the one tag a partner adds:
 *   <script src="https://PROXY/widget.js" async></script>
 *   <ticket-widget partner="pk_..." lang="ru" event="qt:1001"></ticket-widget>
 * Defines <ticket-widget> (once), gives each element an open Shadow DOM with the
 * widget's stylesheet, loads the wasm once per page and mounts one widget per
 * element. Everything (API, wasm, CSS) comes from the origin of this script.
 *
 * Language: the lang attribute, else the page's <html lang> when it is ru or
 * en, else the browser's; decided here (widgetLanguage) and passed to the wasm.
 * Theme: theme="dark" or theme="auto" (the system's light/dark preference);
 * custom properties --ticket-widget-* set on the element (widget.css lists
 * them). A theme change applies in place; any other attribute mounts anew.
 *
 * Payment hand-off (unless the element has a payment-url attribute): when the
 * buyer presses "pay", the element dispatches
 *   new CustomEvent("ticket-widget:pay", {bubbles, composed, detail})
 * with detail = {hold_id, items, total, expires_at, buyer}, then calls the
 * element's `onpay` property if it is a function and waits for the promise it
 * returns (resolve = payment done, reject = not done). See examples/script-tag.html.
 *
 * Host page API (README "The host page's API"; types in ticket-widget.d.ts):
 * events ticket-widget:ready/select/hold/expire/release/pay/paid/error on the
 * element (bubbling, composed; the wasm decides which, host_events.rs, and
 * calls tellThrough), methods open({event, show}) and reset(), read-only hold.
 *
 * First paint: an element opened on one date (event + show) also fetches the
 * hall already drawn (GET …/paint, the seat map's SVG made at the edge by the
 * widget's own markup code, with the partner's availability bits in its
 * Availability-* headers), applies the bits to it and shows it as soon as it
 * is in, before the wasm (one request, no preflight: the key is in the query). The wasm
 * then mounts invisibly beside it, moves the painted seat layer into its own
 * map ("tw-paint-adopted") and the two are swapped in one task; anything else
 * it shows first ("tw-paint-declined": an error, a checkout) replaces the paint.
 * Meanwhile the picking stage (pick/, a small wasm fetched beside the paint)
 * is mounted on it, with the show's live feed (stageFeed), until the widget
 * has taken over.
 *
 * A page whose server put the first frame in (GET …/first-frame inside the
 * element: a declarative shadow root with the stylesheet inline and the
 * painted hall) needs no paint request: that shadow root is used as it is,
 * its painted hall is the paint, and the wasm is loaded at once.
 */
(function () {
  "use strict";
  var TAG = "ticket-widget";
  if (!window.customElements || window.customElements.get(TAG)) return;

  // Captured now: document.currentScript is only set while this file runs.
  var script = document.currentScript;
  var scriptUrl = (script && script.src) || (function () {
    var all = document.querySelectorAll('script[src*="widget.js"]');
    return all.length ? all[all.length - 1].src : location.href;
  })();
  var base = new URL(".", scriptUrl);               // e.g. http://127.0.0.1:8787/
  var apiBase = base.href.replace(/\/$/, "");
  var modules = {};                                 // one init per wasm module and page

  // A wasm module (glue + wasm, at a low priority: on a shared line the
  // painted hall goes first), fetched and initialised once; a failure lets
  // a later call try again.
  function loadModule(name) {
    if (!modules[name]) {
      var wasm = fetch(new URL("widget/" + name + "_bg.wasm", base).href, { priority: "low" });
      wasm.catch(function () { /* the glue's init reports it */ });
      var loading = modules[name] = import(new URL("widget/" + name + ".js", base).href).then(function (glue) {
        return glue.default({ module_or_path: wasm }).then(function () { return glue; });
      });
      loading.catch(function () { if (modules[name] === loading) modules[name] = null; });
    }
    return modules[name];
  }
  // The picking stage (pick/, no Leptos: a sixth of the widget's size):
  // mounted on a painted hall, it lets the buyer pick seats and see the
  // order while the widget is still on its way, then gives way to it.
  function loadStage() { return loadModule("ticket_pick"); }
  // The widget, once the stage's wasm is in when there will be a painted
  // hall (`withStage`): on a slow line the stage is up a second or more
  // before the widget.
  function loadWidget(withStage) {
    var first = withStage ? loadStage().then(function () {}, function () {}) : Promise.resolve();
    return first.then(function () { return loadModule("ticket_widget"); });
  }

  // The widget's first reads start as soon as it is loading (after the
  // painted hall, when there is one), while its wasm downloads and compiles: the catalogue, and for a widget opened on a date, that hall's
  // layout and availability. The wasm takes each response once, by partner
  // key and URL (api.rs), so URLs are built exactly as config.rs builds them.
  function segment(text) {
    return encodeURIComponent(text).replace(/%3A/gi, ":").replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }
  var copies = new Map();                        // prefetch key → its parsed copy (paint, picking stage)
  function hallUrl(config) {
    return apiBase + "/v1/events/" + segment(config.event) + "/shows/" + segment(config.show) + "/";
  }
  function prefetch(config) {
    if (!config.partner_key || !window.fetch || !window.Map) return;
    var early = window.__ticketWidgetPrefetch = window.__ticketWidgetPrefetch || new Map();
    var urls = [apiBase + "/v1/events"];
    if (config.event && config.show) {
      // The availability first: the painted hall waits for it.
      var hall = hallUrl(config);
      urls.unshift(hall + "availability", hall + "layout");
    }
    urls.forEach(function (url) {
      var key = config.partner_key + " " + url;
      if (early.has(key)) return;
      // The key in the query, not in a custom header: no CORS preflight, so
      // each of these costs one round trip (the widget claims it by `key`).
      var response = fetch(url + "?partner=" + encodeURIComponent(config.partner_key), {
        mode: "cors",
        headers: { "Accept": "application/json" },
        signal: window.AbortSignal && AbortSignal.timeout ? AbortSignal.timeout(20000) : undefined
      });
      response.catch(function () { /* the widget asks again */ });
      if (/\/(availability|layout)$/.test(url)) {
        // Copied before the wasm can read it (this callback runs first): for
        // the paint (availability) and the picking stage (both).
        var copy = response.then(function (r) { return r.ok ? r.clone().json() : null; });
        copy.catch(function () { /* no paint or stage then */ });
        copies.set(key, copy);
        setTimeout(function () { if (copies.get(key) === copy) copies.delete(key); }, 30000);
      }
      early.set(key, response);
      // Unclaimed (the widget was removed first): let it go.
      setTimeout(function () { if (early.get(key) === response) early.delete(key); }, 30000);
    });
  }

  // The painted hall (see the top of this file): the SVG from the edge with
  // the availability bits applied the way the widget writes a taken seat
  // (ticket-paint's apply_availability), inside the boxes the widget's hall
  // has, or null when either part is missing or they do not belong together.
  var HIDE = "visibility:hidden;height:0;overflow:hidden";
  // The event header's stand-in (ticket_paint::PAINTED_HEADER, the same markup):
  // the widget's header takes its place without moving the map.
  var PAINTED_HEADER = '<header class="tw-event-header tw-painted-header" aria-hidden="true">' +
    '<span class="tw-back tw-skel">&nbsp;</span><h2 class="tw-event-heading tw-skel">&nbsp;</h2>' +
    '<p class="tw-event-when tw-skel">&nbsp;</p><p class="tw-event-venue tw-skel">&nbsp;</p></header>';
  // The seats are the drawing's only self-closed elements, in seat order.
  function applyAvailability(markup, hex) {
    var index = 0;
    return markup.replace(/\/>/g, function (end) {
      var seat = index++;
      var byte = parseInt(hex.substr((seat >> 3) * 2, 2), 16);
      return byte & (0x80 >> (seat & 7)) ? end : ' data-state="unavailable" aria-disabled="true"/>';
    });
  }
  function paintedHall(config, ru) {
    if (!(config.event && config.show && config.partner_key && window.fetch && window.Map)) return null;
    // The key in the query: no custom header, so no CORS preflight first.
    // It carries the partner's availability in headers; only when they are
    // missing (not readable just now) does the paint wait for the document.
    var painted = fetch(hallUrl(config) + "paint?partner=" + encodeURIComponent(config.partner_key), {
      mode: "cors",
      headers: { "Accept": "image/svg+xml" }
    }).then(function (r) {
      if (!r.ok) return null;
      var bits = r.headers.get("Availability-Bits");
      var inline = bits === null ? null
        : { seats_available: bits, layout_version: r.headers.get("Availability-Layout-Version") };
      return r.text().then(function (markup) { return { markup: markup, availability: inline }; });
    });
    return painted.then(function (paint) {
      if (!paint || paint.availability) return paint;
      prefetch(config);
      var copy = copies.get(config.partner_key + " " + hallUrl(config) + "availability") || Promise.resolve(null);
      return copy.then(function (availability) { paint.availability = availability; return paint; });
    }).then(function (paint) {
      var markup = paint && paint.markup, availability = paint && paint.availability;
      if (!markup || !availability || typeof availability.seats_available !== "string") return null;
      var box = document.createElement("div");
      box.className = "tw-host tw-painted";
      box.setAttribute("aria-busy", "true");
      box.innerHTML = '<div class="tw-root tw-mode-element">' + PAINTED_HEADER + '<div class="tw-hall"><div class="tw-hall-main">' +
        '<section class="tw-seating"><h3 class="tw-subheading"></h3><div class="tw-map"></div></section></div>' +
        '<aside class="tw-hall-side"></aside></div></div>';
      box.querySelector(".tw-subheading").textContent = ru ? "Выберите места" : "Choose your seats";
      var map = box.querySelector(".tw-map");
      map.innerHTML = applyAvailability(markup, availability.seats_available);
      var drawn = map.firstElementChild;
      if (!drawn || drawn.getAttribute("data-layout-version") !== availability.layout_version) return null;
      map.setAttribute("style", drawn.getAttribute("data-map-style") || "");
      keepEarlyPicks(box);
      return box;
    }).catch(function () { return null; });
  }

  // A click on a painted seat before the widget is there picks it at once:
  // the circle turns selected as the widget draws a pick (a second click
  // puts it back), and the widget, adopting the circles, takes every seat
  // drawn selected as the buyer's pick (paint_adoption::early_picks), with
  // its own rules from then on (one taken meanwhile is shown as lost). A
  // finger's or a pen's tap picks nothing yet: on a phone the widget's first
  // tap zooms instead. Once the wasm has failed, the hall is read-only.
  function keepEarlyPicks(box) {
    var drawn = box.querySelector(".tw-map > svg");
    if (!drawn) return;
    var byMouse = true;
    drawn.addEventListener("pointerdown", function (event) { byMouse = event.pointerType === "mouse"; });
    drawn.addEventListener("click", function (event) {
      var seat = event.target;
      var pickable = byMouse && !box.readOnly && !box.staged && seat && seat.getAttribute && seat.getAttribute("data-testid") === "seat";
      byMouse = true;
      if (!pickable) return;
      var state = seat.getAttribute("data-state");
      if (state === null) seat.setAttribute("data-state", "selected");
      else if (state === "selected") seat.removeAttribute("data-state");
    });
  }
  // The early picks go back when there will be no widget to take them
  // (the stage's order with them).
  function dropEarlyPicks(box) {
    box.readOnly = true;
    var side = box.querySelector(".tw-hall-side");
    if (side) side.textContent = "";
    box.querySelectorAll('[data-testid=seat][data-state=selected]').forEach(function (seat) {
      seat.removeAttribute("data-state");
    });
  }

  // The stage's live seats: the show's feed (the WebSocket the widget opens
  // when it takes over), each document handed to the stage, which draws the
  // seats taken or freed since and lists a pick someone else took. The
  // newest also stands in for the widget's availability read while the
  // widget has not claimed the loader's (the same document), so the widget
  // starts from what the stage shows, not from the older read. Nothing
  // more: should the socket fail, the widget, coming, reads the hall anew.
  function stageFeed(config, stage) {
    if (!window.WebSocket) return null;
    var socket = new WebSocket(hallUrl(config).replace(/^http/, "ws") + "live?partner=" + encodeURIComponent(config.partner_key));
    var early = window.__ticketWidgetPrefetch;
    var readKey = config.partner_key + " " + hallUrl(config) + "availability";
    socket.onmessage = function (message) {
      var frame = null;
      try { frame = JSON.parse(message.data); } catch (e) { /* "pong" or a message of a later version */ }
      if (!frame || frame.type !== "availability" || !stage.apply_availability(frame)) return;
      if (early && early.has(readKey) && window.Response) {
        // The frame is the document with its `type` tag, which a reader of the document skips.
        var read = Promise.resolve(new Response(message.data, { headers: { "Content-Type": "application/json" } }));
        early.set(readKey, read);
        setTimeout(function () { if (early.get(readKey) === read) early.delete(readKey); }, 30000);
      }
    };
    return socket;
  }

  // What the widget calls when the buyer presses "pay": the event, then the
  // partner's onpay (its promise, or undefined when there is none).
  function payThrough(el) {
    return function (detail) {
      el.dispatchEvent(new CustomEvent("ticket-widget:pay", { bubbles: true, composed: true, detail: detail }));
      return typeof el.onpay === "function" ? el.onpay(detail) : undefined;
    };
  }

  // The host page's events (widget/src/host_events.rs has the table):
  // dispatched on the element, bubbling out of any shadow root it sits in.
  function tell(el, name, detail) {
    el.dispatchEvent(new CustomEvent("ticket-widget:" + name, { bubbles: true, composed: true, detail: detail }));
  }
  function tellThrough(el) {
    return function (name, detailJson) {
      var detail = JSON.parse(detailJson);
      if (name === "hold") el._hold = Object.freeze({ hold_id: detail.hold_id, expires_at: detail.expires_at });
      if (name === "expire" || name === "release" || name === "paid") el._hold = null;
      tell(el, name, detail);
    };
  }

  // The widget's language, decided here once and passed to the wasm in its
  // config: the element's lang, else the page's <html lang> when it is
  // Russian or English, else the browser's (Russian, or else English).
  function supportedLanguage(tag) {
    var match = /^(ru|en)(?:[-_]|$)/i.exec((tag || "").trim());
    return match ? match[1].toLowerCase() : null;
  }
  function widgetLanguage(el) {
    return supportedLanguage(el.getAttribute("lang"))
      || supportedLanguage(document.documentElement.getAttribute("lang"))
      || (supportedLanguage(navigator.language) === "ru" ? "ru" : "en");
  }
  function isRussian(el) {
    return widgetLanguage(el) === "ru";
  }

  // theme="dark", or theme="auto" while the system prefers dark: the class
  // widget.css keys its dark defaults on, set on the widget's boxes in the
  // shadow root. Changing the attribute (or the system's preference under
  // "auto") applies at once, without mounting the widget again.
  var darkScheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function isDark(el) {
    var theme = (el.getAttribute("theme") || "").trim().toLowerCase();
    return theme === "dark" || (theme === "auto" && !!darkScheme && darkScheme.matches);
  }

  // Whether the HTML parser has gone past `el` (a node follows it or one of
  // its ancestors): its content, a first frame included, is complete.
  function parsedPast(el) {
    for (var node = el; node; node = node.parentNode) if (node.nextSibling) return true;
    return false;
  }

  class TicketWidget extends HTMLElement {
    static get observedAttributes() { return ["partner", "lang", "event", "show", "payment-url", "theme"]; }

    // The host page's handles: open a date, start over, the current hold.
    /** Opens `{event, show}` (show optional: the event's dates), as the attributes would. */
    open(target) {
      if (!target || typeof target.event !== "string") throw new TypeError("ticket-widget open() needs {event, show?}");
      this._batch = true;
      try {
        this.setAttribute("event", target.event);
        if (typeof target.show === "string") this.setAttribute("show", target.show);
        else this.removeAttribute("show");
      } finally { this._batch = false; }
      this._remount();
    }
    /** Back to the start: an unpaid hold is given back, tickets shown are put away. */
    reset() {
      if (!this._root) return;
      this._unmount();
      // The hold kept for a reload (widget/src/checkout.rs StoredHold; the
      // widget writes it as it goes) is forgotten: the new one starts afresh.
      try { sessionStorage.removeItem("ticket-widget:hold:" + (this.getAttribute("partner") || "")); } catch (e) { /* storage off */ }
      if (this.isConnected) this._mount();
    }
    /** `{hold_id, expires_at}` while the buyer holds places, else null. */
    get hold() { return this._hold || null; }

    _remount() {
      if (!this._root) return;
      this._unmount();
      if (this.isConnected) this._mount();
    }

    connectedCallback() {
      // Defined before the parser is past this element (this file cached, its
      // tag above the element, or the page still streaming in): a first frame
      // may still be on its way inside it — its shadow root already there,
      // half its seats not — and a shadow root attached now would turn it
      // away. Wait for the whole of it.
      if (!this._root && document.readyState === "loading" && !parsedPast(this)) {
        // Meanwhile, at their low priority: the stage's wasm (a date: there
        // will be a painted hall), then the widget's.
        loadWidget(Boolean(this.getAttribute("event") && this.getAttribute("show")));
        var waiting = this;
        if (!this._waitingForParser) {
          this._waitingForParser = true;
          document.addEventListener("DOMContentLoaded", function () {
            waiting._waitingForParser = false;
            if (waiting.isConnected) waiting.connectedCallback();
          }, { once: true });
        }
        return;
      }
      var included = !this._root && this.shadowRoot && this.shadowRoot.querySelector(".tw-painted");
      if (included && included.parentNode === this.shadowRoot && this.shadowRoot.querySelector("style")) {
        // The partner's server put the first frame in the page (GET
        // …/first-frame: a declarative shadow root, its stylesheet inline,
        // the hall painted with its availability): it is the paint.
        this._root = this.shadowRoot;
        this._styled = Promise.resolve();
        this._included = included;
      }
      if (!this._root) {
        this._root = this.shadowRoot || this.attachShadow({ mode: "open" });
        var style = document.createElement("link");
        style.rel = "stylesheet";
        style.href = new URL("widget.css", base).href;
        // A painted hall waits for the stylesheet (unstyled circles are black).
        this._styled = new Promise(function (resolve) { style.onload = style.onerror = resolve; });
        this._root.appendChild(style);
      }
      if (!this._handle && !this._pending) this._mount();
      if (darkScheme && !this._onScheme) {
        var self = this;
        this._onScheme = function () { self._applyTheme(); };
        if (darkScheme.addEventListener) darkScheme.addEventListener("change", this._onScheme);
        else if (darkScheme.addListener) darkScheme.addListener(this._onScheme);
      }
    }

    _applyTheme() {
      var dark = isDark(this);
      [this._host, this._painted].forEach(function (box) {
        if (box) box.classList.toggle("tw-theme-dark", dark);
      });
    }

    disconnectedCallback() {
      var self = this;
      // A move (remove + insert in one task) keeps the widget; a removal frees it.
      queueMicrotask(function () {
        if (self.isConnected) return;
        self._unmount();
        if (self._onScheme) {
          if (darkScheme.removeEventListener) darkScheme.removeEventListener("change", self._onScheme);
          else if (darkScheme.removeListener) darkScheme.removeListener(self._onScheme);
          self._onScheme = null;
        }
      });
    }

    attributeChangedCallback(name, before, after) {
      if (before === after || !this._root || this._batch) return;
      if (name === "theme") { this._applyTheme(); return; }
      this._remount();
    }

    _unmount() {
      this._generation = (this._generation || 0) + 1;
      this._pending = false;
      if (this._handle) { try { this._handle.unmount(); } catch (e) { /* already gone */ } }
      this._handle = null;
      // The widget gives an unpaid hold back as it goes (a beacon): say so.
      if (this._hold) tell(this, "release", { hold_id: this._hold.hold_id });
      this._hold = null;
      if (this._host) { this._host.remove(); this._host = null; }
      this._unpaint();
    }

    // The widget takes over from the painted hall: it shows, the paint goes.
    _unpaint() {
      this._unstage();
      if (this._painted) { this._painted.remove(); this._painted = null; }
      if (this._paintTimer) { clearTimeout(this._paintTimer); this._paintTimer = null; }
      if (this._host) this._host.style.cssText = "";
    }

    _unstage() {
      var feed = this._feed;
      this._feed = null;
      if (feed) {
        feed.onmessage = null;
        // Closed once open: closing it while connecting makes the browser log an error.
        if (feed.readyState === 0) feed.onopen = function () { feed.close(); }; else feed.close();
      }
      if (this._stage) { try { this._stage.unmount(); } catch (e) { /* already gone */ } this._stage = null; }
    }

    _mount() {
      var self = this;
      var generation = self._generation = (self._generation || 0) + 1;
      var ru = isRussian(self);
      var host = document.createElement("div");
      host.className = "tw-host";
      host.classList.toggle("tw-theme-dark", isDark(self));
      host.innerHTML = '<p class="tw-boot" role="status">' + (ru ? "Загрузка…" : "Loading…") + "</p>";
      self._root.appendChild(host);
      self._host = host;
      self._pending = true;
      var config = {
        api_base: apiBase,
        partner_key: self.getAttribute("partner") || "",
        lang: ru ? "ru" : "en",
        event: self.getAttribute("event") || null,
        show: self.getAttribute("show") || null,
        payment_url: self.getAttribute("payment-url") || null,
        mode: "element"
      };
      // The painted hall's request first: it is what the buyer sees first;
      // none when the page came with it (the first mount only).
      var included = self._included;
      self._included = null;
      if (included) keepEarlyPicks(included);
      var painting = included ? Promise.resolve(included) : paintedHall(config, ru);
      var firstFrame = Promise.resolve();
      if (painting) {
        var unpaint = function () { self._unpaint(); };
        host.addEventListener("tw-paint-adopted", unpaint);
        host.addEventListener("tw-paint-declined", unpaint);
        firstFrame = Promise.all([painting, self._styled]).then(function (parts) {
          var box = parts[0];
          // Only while nothing of the widget is on screen yet.
          // Also after the wasm failed to load: the hall stays in sight, read-only.
          if (!box || generation !== self._generation || self._handle) return;
          if (box !== host.previousSibling) self._root.insertBefore(box, host);
          self._painted = box;
          self._applyTheme();
          if (self._pending) host.style.cssText = HIDE;
        });
      }
      // The stage's wasm beside the painted hall's request, the widget's
      // after it (both at a low priority), the reads after the hall is in (or
      // at once without one): on a slow line the first frame comes first.
      if (painting) {
        var stage = loadStage();
        var hallKey = config.partner_key + " " + hallUrl(config);
        firstFrame.then(function () {
          if (!self._painted) return null;
          prefetch(config);
          return Promise.all([stage, copies.get(hallKey + "layout"), copies.get(hallKey + "availability")]);
        }).then(function (parts) {
          var box = self._painted;
          if (!parts || generation !== self._generation || !box || box.readOnly || !parts[1] || !parts[2]) return;
          self._stage = parts[0].mount_pick(box, parts[1], parts[2], config.lang);
          self._feed = stageFeed(config, self._stage);
          box.staged = true;
        }).catch(function (error) {
          // The widget still comes; until then clicks pick as before.
          if (window.console) console.warn("ticket-widget: the picking stage did not start:", error);
        });
      }
      var widget = loadWidget(Boolean(painting));
      firstFrame.then(function () { prefetch(config); return widget; }).then(function (glue) {
        if (generation !== self._generation) return; // remounted or removed meanwhile
        self._pending = false;
        host.textContent = "";
        self._handle = glue.mount_widget(host, JSON.stringify(config), payThrough(self), tellThrough(self));
        tell(self, "ready", { event: config.event, show: config.show, lang: config.lang });
        // Should the widget never say, it shows after a while all the same.
        if (self._painted) self._paintTimer = setTimeout(function () { self._unpaint(); }, 10000);
      }).catch(function (error) {
        if (generation !== self._generation) return;
        self._pending = false;
        // A painted hall stays (it is what the page is about); the error shows below it.
        self._unstage();
        if (self._painted) dropEarlyPicks(self._painted);
        host.style.cssText = "";
        if (window.console) console.error("ticket-widget:", error);
        tell(self, "error", { code: "widget_unavailable", message: error && error.message ? String(error.message) : "" });
        host.textContent = "";
        var box = document.createElement("div");
        box.className = "tw-boot tw-boot-error";
        box.setAttribute("role", "alert");
        box.setAttribute("data-testid", "widget-load-error");
        box.textContent = (ru
          ? "Не удалось загрузить продажу билетов. Обновите страницу или попробуйте позже."
          : "The ticket sales widget could not be loaded. Please reload the page or try again later.")
          + (error && error.message ? " (" + error.message + ")" : "");
        host.appendChild(box);
      });
    }
  }

  window.customElements.define(TAG, TicketWidget);
})();
