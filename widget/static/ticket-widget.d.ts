// Types for host pages that embed <ticket-widget> (served next to widget.js:
// https://YOUR-PROXY/ticket-widget.d.ts). Copy it into your project, or
// reference it: /// <reference path="./ticket-widget.d.ts" />
// Money is in minor units (kopecks for RUB). See README "The host page's API".

export interface TicketWidgetMoney { minor: number; currency: "RUB" | string }

export interface TicketWidgetSelectDetail {
  event_id: string;
  show_id: string;
  seats: { id: string; zone: string; row: string; place: string; price: TicketWidgetMoney }[];
  admissions: { id: string; zone: string; quantity: number; price: TicketWidgetMoney }[];
  /** Tickets picked (seats + admission quantities). */
  count: number;
  total: TicketWidgetMoney;
}

export interface TicketWidgetHoldDetail {
  hold_id: string;
  event_id: string;
  show_id: string;
  /** RFC 3339, UTC. */
  expires_at: string;
  total: TicketWidgetMoney;
  /** As in GET /v1/holds/{id}. */
  items: unknown[];
}

export interface TicketWidgetPayDetail {
  hold_id: string;
  items: unknown[];
  total: TicketWidgetMoney;
  expires_at: string;
  buyer: { name: string; email: string; phone: string };
}

export interface TicketWidgetTicket {
  item_id: string;
  zone_name: string;
  row?: string;
  place?: string;
  barcode: string;
}

export interface TicketWidgetEventMap {
  "ticket-widget:ready": CustomEvent<{ event: string | null; show: string | null; lang: "ru" | "en" }>;
  "ticket-widget:select": CustomEvent<TicketWidgetSelectDetail>;
  "ticket-widget:hold": CustomEvent<TicketWidgetHoldDetail>;
  "ticket-widget:expire": CustomEvent<{ hold_id: string }>;
  "ticket-widget:release": CustomEvent<{ hold_id: string }>;
  "ticket-widget:pay": CustomEvent<TicketWidgetPayDetail>;
  "ticket-widget:paid": CustomEvent<{ hold_id: string; tickets: TicketWidgetTicket[] }>;
  /** `code` is one of the API's stable error codes, or "widget_unavailable" when the widget could not load. */
  "ticket-widget:error": CustomEvent<{ code: string; message?: string }>;
}

export interface TicketWidgetElement extends HTMLElement {
  /** Opens an event (and one of its dates), as the `event`/`show` attributes would. */
  open(target: { event: string; show?: string }): void;
  /** Back to the start; an unpaid hold is given back. */
  reset(): void;
  /** The buyer's current hold, or null. Read-only. */
  readonly hold: { hold_id: string; expires_at: string } | null;
  /** Payment hand-off: resolve when paid, reject when not (see examples/script-tag.html). */
  onpay: ((detail: TicketWidgetPayDetail) => Promise<void> | void) | null;
  addEventListener<K extends keyof TicketWidgetEventMap>(
    type: K,
    listener: (this: TicketWidgetElement, event: TicketWidgetEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap { "ticket-widget": TicketWidgetElement }
  interface HTMLElementEventMap extends TicketWidgetEventMap {}
}
