// `make bench`, size section: what a buyer's browser downloads for the widget
// (raw, gzip -9, brotli -q 11, per file and per stage, next to issue 9's
// targets), and where the wasm's bytes go (twiggy on the name-keeping copy of
// the shipped module that scripts/build-widget.sh leaves in the target dir).
// Prints figures, asserts nothing. Needs a built widget (scripts/build-widget.sh).
//   node tests/bench/size.mjs [--top N]
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const assets = join(root, "edge-proxy", "assets");
const namedDir = join(root, "target", "widget-wasm");
const named = join(namedDir, "ticket_widget_bg.named.wasm");
const topArg = process.argv.indexOf("--top");
const topN = topArg > 0 ? Number(process.argv[topArg + 1]) : 6;
const KIB = 1024;

// What the loader fetches, in the order it needs it. `stage` says when:
// "first-seat" = before the first seat can appear (on a page opening one
// date the loader asks for the wasm only once the painted hall is in:
// widget.js `firstFrame`; the drawing itself is the hall's data, like the
// static page's SVG, and not counted here), "pick" = the seat-picking stage
// (`pick/`, mounted on the painted hall: what picking seats needs), "widget"
// = the Leptos widget's glue and main module (fetched beside the stage at a
// low priority; it takes over the picks), "checkout" = only once the buyer
// goes on to checkout (the split-off modules, `split_*.wasm`: fetched after
// the first pick or with the hold; the small link module that fetches them
// is bundled into the glue, or, in a build without esbuild, imported by it,
// so it counts for "widget"). Files that do not exist are skipped (an
// unsplit build has no checkout rows).
const chunkFiles = existsSync(join(assets, "widget"))
  ? readdirSync(join(assets, "widget")).filter((name) => /^split_.*\.wasm$/.test(name)).sort()
  : [];
const files = [
  { file: "widget.js", role: "loader", stage: "first-seat" },
  { file: "widget.css", role: "styles", stage: "first-seat" },
  { file: "widget/ticket_pick.js", role: "seat-picking stage's glue", stage: "pick" },
  { file: "widget/ticket_pick_bg.wasm", role: "seat-picking stage's wasm", stage: "pick", wasm: true },
  { file: "widget/ticket_widget.js", role: "widget's wasm-bindgen glue", stage: "widget" },
  { file: "widget/__wasm_split.js", role: "split link module", stage: "widget" },
  { file: "widget/ticket_widget_bg.wasm", role: "widget's main wasm", stage: "widget", wasm: true },
  ...chunkFiles.map((name) => ({
    file: `widget/${name}`,
    role: "checkout wasm, fetched later",
    stage: "checkout",
    wasm: true,
    named: join(namedDir, name.replace(/\.wasm$/, ".named.wasm")),
  })),
];
// Served too, but not part of the one-tag widget: the iframe embedding's host helper.
const others = [{ file: "embed-host.js", role: "iframe host pages only" }];

function brotliSize(path) {
  // The same compressor and level as a pre-compressing CDN set to maximum.
  return execFileSync("brotli", ["-c", "-q", "11", path], { maxBuffer: 64 << 20 }).length;
}

function measure(entry) {
  const path = join(assets, entry.file);
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  return { ...entry, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli: brotliSize(path) };
}

const pad = (value, width) => String(value).padStart(width);
const row = (label, m, note = "") =>
  console.log(`  ${label.padEnd(34)} ${pad(m.raw, 8)} B raw ${pad(m.gzip, 8)} B gzip ${pad(m.brotli, 8)} B brotli${note}`);

console.log("== widget transfer size (what a buyer's browser downloads; gzip -9, brotli -q 11)");
const measured = files.map(measure).filter(Boolean);
for (const m of measured) row(m.file, m, `  (${m.role})`);
for (const m of others.map(measure).filter(Boolean)) row(m.file, m, `  (${m.role}; not counted)`);

const sum = (list) =>
  list.reduce((acc, m) => ({ raw: acc.raw + m.raw, gzip: acc.gzip + m.gzip, brotli: acc.brotli + m.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });
const targets = [
  {
    label: "needed for the first seat",
    pick: (m) => m.stage === "first-seat",
    target: 40 * KIB,
  },
  {
    label: "needed before a seat can be picked",
    pick: (m) => m.stage === "first-seat" || m.stage === "pick",
    target: null,
  },
  {
    // The stage's wasm and its glue: the glue is what instantiates it.
    label: "wasm needed to pick seats",
    pick: (m) => m.stage === "pick",
    target: 80 * KIB,
  },
  {
    label: "the Leptos widget (takes over later)",
    pick: (m) => m.stage === "widget",
    target: null,
  },
  {
    label: "whole widget including checkout",
    pick: () => true,
    target: 130 * KIB,
  },
];
console.log("== widget bytes against issue 9's targets (brotli; gzip alongside)");
for (const t of targets) {
  const total = sum(measured.filter(t.pick));
  if (t.target === null) {
    row(t.label, total, "  (no target of its own)");
    continue;
  }
  const ratio = (total.brotli / t.target).toFixed(2);
  row(t.label, total, `  target <= ${t.target} B brotli: ${ratio}x ${total.brotli <= t.target ? "(met)" : "(over)"}`);
}

// ---- where the wasm's bytes go ------------------------------------------
// One table per module: the main one (what picking seats needs) and each
// split-off checkout module, each from its name-keeping copy.
const STD = new Set(["core", "alloc", "std", "compiler_builtins", "dlmalloc", "panic_abort", "panic_unwind", "hashbrown"]);
// The crate an item belongs to: the first path segment of its demangled name,
// looking through `<`, `&`, `mut`, `dyn` and `impl` wrappers. A generic
// function counts in the crate that defines it, not the one that instantiates
// it (`ScopedFuture<Fut>::poll` is reactive_graph's even though the future it
// polls is the widget's own): the table says where code is, not who asked.
function crateOf(name) {
  if (name.includes('"function names" subsection') || name.includes("subsection")) return null; // names; not shipped
  if (name.startsWith("data segment") || name === "data[0]") return "(static data)";
  if (/shim|^__wbg|^__wbindgen|^__externref|^closure\d+|externref/.test(name)) return "(wasm-bindgen shims)";
  if (/^code\[\d+\]$/.test(name)) return "(unnamed functions)";
  if (/^(type|import|export|elem|table|memory|global|func)\[|^(wasm magic|custom section|"?[a-z_]+"? section)/i.test(name))
    return "(wasm sections)";
  let rest = name.replace(/^(<|&|mut |dyn |impl |\(|_<)+/g, "");
  // `<u8 as core::fmt::Debug>::fmt`, `<T as tachys::view::Render>::build`: the trait's crate.
  const implFor = /^(?:[a-z]+[0-9]*|[A-Z]|\[[^\]]*\]|\([^)]*\)) as (?:&|mut |dyn )*([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
  if (implFor) rest = `${implFor[1]}::`;
  else if (/^(char|str|bool|[iuf](8|16|32|64|128|size))>/.test(rest)) return "std (core/alloc/std)";
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/.exec(rest);
  if (!match) {
    if (/^(memcpy|memset|memmove|memcmp|__rust|__rdl|__rg|rust_|__multi|__udiv|__umod|__div|__mod|__ashl|__lshr|fmod)/.test(rest))
      return "std (core/alloc/std)";
    return "(other)";
  }
  const crate = match[1];
  if (STD.has(crate) || crate === "__rustc") return "std (core/alloc/std)";
  return crate;
}

function twiggyItems(path) {
  if (!existsSync(path)) {
    console.log(`== wasm by crate: skipped (${path} missing; run scripts/build-widget.sh)`);
    return null;
  }
  try {
    return JSON.parse(execFileSync("twiggy", ["top", "-f", "json", path], { maxBuffer: 256 << 20 }).toString());
  } catch (error) {
    console.log(`== wasm by crate: skipped (twiggy failed: ${error.message.split("\n")[0]}; scripts/setup.sh installs it)`);
    return null;
  }
}

const shorten = (name) => {
  const short = name.replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{16}\]/g, "");
  return short.length > 110 ? short.slice(0, 107) + "..." : short;
};

// The widget's own code by module: which features weigh what. Checkout
// modules are what the split-off module should take out of the main one
// (their own code only; the library code they alone use goes too); what of
// them stays in the main module is what picking seats also reaches (the
// hold's creation, the reload resume, the notice of how a hold ended).
const CHECKOUT = /^(checkout|checkout_markup|buyer_details|barcode|payment|hold_session|hold_wire|components::(checkout_screen|buyer_form|promocode_form|payment_wait|hold_timer|hold_notice))$/;

// `ownCrate`: the crate whose code is listed by module (checkout modules
// marked when it is the widget's).
function sizeModule(title, path, moduleBrotli, ownCrate = "ticket_widget") {
  const items = twiggyItems(path);
  if (!items) return;
  const shipped = items.filter((item) => crateOf(item.name) !== null);
  const total = shipped.reduce((n, item) => n + item.shallow_size, 0);
  const byCrate = new Map();
  for (const item of shipped) {
    const crate = crateOf(item.name);
    const entry = byCrate.get(crate) || { bytes: 0, items: [] };
    entry.bytes += item.shallow_size;
    entry.items.push(item);
    byCrate.set(crate, entry);
  }
  const crates = [...byCrate.entries()].sort((a, b) => b[1].bytes - a[1].bytes);
  console.log(
    `== ${title}: wasm by crate (twiggy top, shallow bytes of the shipped module without its name section: ${total} B; ` +
      `brotli share estimated pro rata of ${moduleBrotli} B)`,
  );
  for (const [crate, entry] of crates) {
    const share = entry.bytes / total;
    console.log(
      `  ${crate.padEnd(34)} ${pad(entry.bytes, 8)} B ${pad((share * 100).toFixed(1), 5)}%  ~${pad(Math.round(share * moduleBrotli), 6)} B brotli`,
    );
  }
  console.log(`== ${title}: biggest wasm items of the biggest crates (top ${topN} each)`);
  for (const [crate, entry] of crates.slice(0, 8)) {
    console.log(`  ${crate}:`);
    for (const item of entry.items.slice(0, topN)) console.log(`    ${pad(item.shallow_size, 7)} B  ${shorten(item.name)}`);
  }
  const modules = new Map();
  for (const item of byCrate.get(ownCrate)?.items || []) {
    const segments = item.name.replace(/^(<|&|mut |dyn )+/, "").split("::");
    let module = segments[1] || "(root)";
    if (module === "components" && segments[2]) module = `components::${segments[2]}`;
    module = module.replace(/[<{ ].*$/, "");
    modules.set(module, (modules.get(module) || 0) + item.shallow_size);
  }
  const marksCheckout = ownCrate === "ticket_widget";
  console.log(`== ${title}: ${ownCrate}'s own code by module (shallow bytes${marksCheckout ? "; checkout modules marked" : ""})`);
  let checkoutOwn = 0;
  for (const [module, bytes] of [...modules.entries()].sort((a, b) => b[1] - a[1])) {
    const checkout = marksCheckout && CHECKOUT.test(module);
    if (checkout) checkoutOwn += bytes;
    console.log(`  ${module.padEnd(34)} ${pad(bytes, 8)} B${checkout ? "  checkout" : ""}`);
  }
  if (!marksCheckout) return;
  console.log(
    `  ${"checkout modules, own code".padEnd(34)} ${pad(checkoutOwn, 8)} B  ~${Math.round((checkoutOwn / total) * moduleBrotli)} B brotli`,
  );
}

const pickModule = measured.find((m) => m.file === "widget/ticket_pick_bg.wasm");
if (pickModule) sizeModule("seat-picking stage", join(namedDir, "ticket_pick_bg.named.wasm"), pickModule.brotli, "ticket_pick");
const mainModule = measured.find((m) => m.file === "widget/ticket_widget_bg.wasm");
if (mainModule) sizeModule("widget's main module", named, mainModule.brotli);
for (const chunk of measured.filter((m) => m.named)) sizeModule(`${chunk.file} (checkout)`, chunk.named, chunk.brotli);
