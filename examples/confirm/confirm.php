<?php
// Confirm a paid hold from a PHP server (curl extension). Call it after your
// payment provider confirmed the payment; repeating it is safe.
//   PROXY_URL=https://your-proxy PARTNER_SECRET_KEY=sk_... php confirm.php h_0123...
$holdId = $argv[1];
$curl = curl_init(getenv('PROXY_URL') . "/v1/holds/$holdId/confirm");
curl_setopt_array($curl, [
    CURLOPT_POST => true,
    CURLOPT_POSTFIELDS => '',
    CURLOPT_RETURNTRANSFER => true,
    CURLOPT_HTTPHEADER => [
        'Authorization: Bearer ' . getenv('PARTNER_SECRET_KEY'),
        "Idempotency-Key: $holdId",
    ],
]);
$body = curl_exec($curl);
$status = curl_getinfo($curl, CURLINFO_RESPONSE_CODE);
$hold = json_decode($body, true);
if ($status !== 200) {
    fwrite(STDERR, "confirm failed: $status {$hold['error']['code']}: {$hold['error']['message']}\n");
    exit(1);
}
foreach ($hold['tickets'] as $ticket) {
    echo $ticket['zone_name'], ' ', $ticket['row'] ?? '', ' ', $ticket['place'] ?? '', ' ', $ticket['barcode'], "\n";
}
