// Copies a wasm module without its "name" custom section (function and local
// names), byte for byte otherwise. scripts/build-widget.sh optimises the widget
// once with names kept (for `twiggy` in `make bench`) and ships this copy, so
// the measured module and the shipped one have the same code.
//   node scripts/wasm-strip-names.mjs IN.wasm OUT.wasm
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: wasm-strip-names.mjs IN.wasm OUT.wasm");
  process.exit(2);
}
const bytes = readFileSync(input);
if (bytes.readUInt32LE(0) !== 0x6d736100) {
  console.error(`${input}: not a wasm module`);
  process.exit(1);
}

function leb(at) {
  let value = 0, shift = 0, byte;
  do {
    byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

const kept = [bytes.subarray(0, 8)];
let at = 8;
while (at < bytes.length) {
  const start = at;
  const id = bytes[at++];
  const [size, body] = leb(at);
  const end = body + size;
  let drop = false;
  if (id === 0) {
    const [nameLength, nameAt] = leb(body);
    drop = bytes.toString("utf8", nameAt, nameAt + nameLength) === "name";
  }
  if (!drop) kept.push(bytes.subarray(start, end));
  at = end;
}
writeFileSync(output, Buffer.concat(kept));
