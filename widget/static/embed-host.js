/*
 * For a partner page that embeds the widget as an iframe:
 *   <iframe data-ticket-widget src="https://PROXY/embed?partner=pk_...&event=qt:1001"
 *           style="width:100%;border:0" title="Билеты"></iframe>
 *   <script src="https://PROXY/embed-host.js" async></script>
 * Resizes each such iframe to the height its page reports. A message is only
 * believed when it comes from that iframe's window AND from the origin of its
 * src, so no other frame or window can resize it.
 */
(function () {
  "use strict";
  if (window.__ticketWidgetEmbedHost) return;
  window.__ticketWidgetEmbedHost = true;

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "ticket-widget:height") return;
    var height = Number(data.height);
    if (!isFinite(height) || height <= 0 || height > 100000) return;
    var frames = document.querySelectorAll("iframe[data-ticket-widget]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (event.source !== frame.contentWindow) continue;
      var origin;
      try { origin = new URL(frame.src, location.href).origin; } catch (e) { continue; }
      if (event.origin !== origin) continue;
      frame.style.height = Math.ceil(height) + "px";
    }
  });
})();
