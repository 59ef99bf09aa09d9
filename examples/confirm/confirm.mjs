// Confirm a paid hold from a Node.js (18+) server. Call it after your payment
// provider confirmed the payment. Repeating it is safe (same tickets back).
//   PROXY_URL=https://your-proxy PARTNER_SECRET_KEY=sk_... node confirm.mjs h_0123...
const [holdId] = process.argv.slice(2);
const response = await fetch(`${process.env.PROXY_URL}/v1/holds/${holdId}/confirm`, {
  method: 'POST',
  headers: { Authorization: `Bearer ${process.env.PARTNER_SECRET_KEY}`, 'Idempotency-Key': holdId },
});
const hold = await response.json();
if (!response.ok) {
  console.error(`confirm failed: ${response.status} ${hold.error?.code}: ${hold.error?.message}`);
  process.exit(1);
}
for (const ticket of hold.tickets) console.log(ticket.zone_name, ticket.row ?? '', ticket.place ?? '', ticket.barcode);
