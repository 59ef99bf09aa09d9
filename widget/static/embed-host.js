/*
 * For a partner page that embeds the widget as an iframe:
 *   <iframe data-ticket-widget src="https://PROXY/embed?partner=pk_...&event=qt:1001"
 *           style="width:100%;border:0" title="Билеты"></iframe>
 *   <script src="https://PROXY/embed-host.js" async></script>
 * Resizes each such iframe to the height its page reports, and carries the
 * payment hand-off across the frame boundary: when the buyer presses "pay",
 * the iframe element dispatches a "ticket-widget:pay" CustomEvent (detail =
 * {hold_id, items, total, expires_at, buyer}) and, if the element has an
 * `onpay` function property, calls it and reports its promise's outcome back
 * to the widget (resolve = payment done, reject = not done).
 * A message is only believed when it comes from that iframe's window AND from
 * the origin of its src, so no other frame or window can resize it or fake a
 * payment request.
 */
(function () {
  "use strict";
  if (window.__ticketWidgetEmbedHost) return;
  window.__ticketWidgetEmbedHost = true;

  /** The widget iframe (and its origin) that sent `event`, or null. */
  function senderOf(event) {
    var frames = document.querySelectorAll("iframe[data-ticket-widget]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (event.source !== frame.contentWindow) continue;
      var origin;
      try { origin = new URL(frame.src, location.href).origin; } catch (e) { continue; }
      if (event.origin !== origin) continue;
      return { frame: frame, origin: origin };
    }
    return null;
  }

  function pay(sender, id, detail) {
    var frame = sender.frame;
    function reply(ok, error) {
      if (!frame.contentWindow) return;
      frame.contentWindow.postMessage(
        { type: "ticket-widget:pay-result", id: id, ok: ok, error: error ? String(error) : "" }, sender.origin);
    }
    frame.dispatchEvent(new CustomEvent("ticket-widget:pay", { bubbles: true, detail: detail }));
    var result;
    try {
      result = typeof frame.onpay === "function" ? frame.onpay(detail) : undefined;
    } catch (error) {
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      function () { reply(true); },
      function (error) { reply(false, (error && error.message) || error || "payment not completed"); });
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data.type !== "string") return;
    if (data.type === "ticket-widget:height") {
      var height = Number(data.height);
      if (!isFinite(height) || height <= 0 || height > 100000) return;
      var sender = senderOf(event);
      if (sender) sender.frame.style.height = Math.ceil(height) + "px";
    } else if (data.type === "ticket-widget:pay" && data.detail && typeof data.detail.hold_id === "string") {
      var payer = senderOf(event);
      if (payer) pay(payer, data.id, data.detail);
    }
  });
})();
