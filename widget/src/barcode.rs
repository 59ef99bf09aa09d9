//! Code 128 barcodes (code set B, with the mandatory check symbol) as SVG.
//!
//! A ticket is only useful at the door if a scanner can read it, so the
//! tickets screen draws each barcode as real bars rather than printing digits.
//! Code 128 B covers printable ASCII, which is what both providers issue, and
//! needs no library: one table of 107 bar/space patterns, a weighted checksum
//! and a little arithmetic. Everything here is pure and table-tested
//! against encodings produced by an independent implementation.

/// Bar and space widths of every Code 128 symbol value, bar first, in modules.
/// Values 0–102 are data symbols (in code set B: ASCII 32 + value); 103–105
/// are the three start symbols; 106 is the stop pattern (seven elements, the
/// last being the two-module termination bar).
const PATTERNS: [&[u8]; 107] = [
    b"212222", b"222122", b"222221", b"121223", b"121322", b"131222", b"122213", b"122312", b"132212", b"221213", b"221312",
    b"231212", b"112232", b"122132", b"122231", b"113222", b"123122", b"123221", b"223211", b"221132", b"221231", b"213212",
    b"223112", b"312131", b"311222", b"321122", b"321221", b"312212", b"322112", b"322211", b"212123", b"212321", b"232121",
    b"111323", b"131123", b"131321", b"112313", b"132113", b"132311", b"211313", b"231113", b"231311", b"112133", b"112331",
    b"132131", b"113123", b"113321", b"133121", b"313121", b"211331", b"231131", b"213113", b"213311", b"213131", b"311123",
    b"311321", b"331121", b"312113", b"312311", b"332111", b"314111", b"221411", b"431111", b"111224", b"111422", b"121124",
    b"121421", b"141122", b"141221", b"112214", b"112412", b"122114", b"122411", b"142112", b"142211", b"241211", b"221114",
    b"413111", b"241112", b"134111", b"111242", b"121142", b"121241", b"114212", b"124112", b"124211", b"411212", b"421112",
    b"421211", b"212141", b"214121", b"412121", b"111143", b"111341", b"131141", b"114113", b"114311", b"411113", b"411311",
    b"113141", b"114131", b"311141", b"411131", b"211412", b"211214", b"211232", b"2331112",
];

const START_B: u8 = 104;
const STOP: u8 = 106;
/// Blank modules required on each side of the symbol.
pub const QUIET_ZONE_MODULES: u32 = 10;

/// The symbol values of `text` in code set B: start, data, check, stop.
/// `None` when the text is empty or has a character outside ASCII 32–127.
pub fn code128b_values(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() {
        return None;
    }
    let mut values = Vec::with_capacity(text.len() + 3);
    values.push(START_B);
    for byte in text.bytes() {
        if !(32..=127).contains(&byte) {
            return None;
        }
        values.push(byte - 32);
    }
    let weighted: u32 = values.iter().enumerate().map(|(position, &value)| value as u32 * (position as u32).max(1)).sum();
    values.push((weighted % 103) as u8);
    values.push(STOP);
    Some(values)
}

/// The symbol as runs of module widths, bar first (bars at even positions).
pub fn code128b_widths(text: &str) -> Option<Vec<u8>> {
    let values = code128b_values(text)?;
    Some(values.iter().flat_map(|&value| PATTERNS[value as usize].iter().map(|digit| digit - b'0')).collect())
}

/// A barcode ready to draw: its width in modules (quiet zones included) and
/// each bar as `(x, width)` in modules, for a 1-unit-high symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BarcodeDrawing {
    pub width_modules: u32,
    pub bars: Vec<(u32, u32)>,
}

/// Draws `text`, or `None` when code set B cannot encode it.
pub fn code128b_drawing(text: &str) -> Option<BarcodeDrawing> {
    let widths = code128b_widths(text)?;
    let mut x = QUIET_ZONE_MODULES;
    let mut bars = Vec::with_capacity(widths.len() / 2 + 1);
    for (index, &width) in widths.iter().enumerate() {
        if index % 2 == 0 {
            bars.push((x, width as u32));
        }
        x += width as u32;
    }
    Some(BarcodeDrawing { width_modules: x + QUIET_ZONE_MODULES, bars })
}

/// The whole barcode as an `<svg>` element for the tickets screen
/// (`data-testid="barcode"`, `data-value` = the encoded text): one `<rect>`
/// per bar in whole modules, so with `shape-rendering="crispEdges"` and
/// `preserveAspectRatio="none"` it scales to its CSS box without blurred
/// edges. `--modules` lets the stylesheet give each module two pixels where
/// there is room (scanners want wide bars). `None` when code set B cannot
/// encode the text.
pub fn code128b_svg(text: &str) -> Option<String> {
    let drawing = code128b_drawing(text)?;
    let value = crate::hall::escape_attribute(text);
    let mut svg = format!(
        "<svg class=\"tw-barcode-bars\" data-testid=\"barcode\" data-value=\"{value}\" viewBox=\"0 0 {modules} 1\" \
         style=\"--modules:{modules}\" preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\" role=\"img\" \
         aria-label=\"{value}\">",
        modules = drawing.width_modules
    );
    for (x, width) in drawing.bars {
        svg.push_str(&format!("<rect x=\"{x}\" width=\"{width}\" height=\"1\"/>"));
    }
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bars as `1`, spaces as `0`, without quiet zones.
    fn modules(text: &str) -> String {
        code128b_widths(text)
            .unwrap()
            .iter()
            .enumerate()
            .map(|(index, &width)| if index % 2 == 0 { "1" } else { "0" }.repeat(width as usize))
            .collect()
    }

    #[test]
    fn every_symbol_is_eleven_modules_and_three_bars() {
        for (value, pattern) in PATTERNS.iter().enumerate() {
            let width: u32 = pattern.iter().map(|digit| (digit - b'0') as u32).sum();
            let expected = if value == STOP as usize { 13 } else { 11 };
            assert_eq!(width, expected, "symbol {value}");
            assert!(pattern.iter().all(|digit| (b'1'..=b'4').contains(digit)), "symbol {value}");
        }
    }

    #[test]
    fn computes_symbol_values_and_the_check_symbol() {
        // Start B, data, check = (104 + Σ value × position) mod 103, stop.
        let cases: &[(&str, &[u8])] = &[
            ("A", &[104, 33, 34, 106]),
            ("PJJ123C", &[104, 48, 42, 42, 17, 18, 19, 35, 55, 106]),
            ("Wikipedia", &[104, 55, 73, 75, 73, 80, 69, 68, 73, 65, 88, 106]),
            ("ab 1~", &[104, 65, 66, 0, 17, 94, 15, 106]),
        ];
        for &(text, expected) in cases {
            assert_eq!(code128b_values(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn encodes_like_an_independent_implementation() {
        // Module strings from python-barcode 0.15 (`Code128(text).build()`),
        // for texts it also encodes in code set B.
        let cases: &[(&str, &str)] = &[
            ("A", "1101001000010100011000100010110001100011101011"),
            (
                "PJJ123C",
                "1101001000011101110110101101110001011011100010011100110110011100101100101110010001000110111010001101100011101011",
            ),
            (
                "Wikipedia",
                "11010010000111010001101000011010011000010010100001101001010011110010110010000100001001101000011010010010110000111100100101100011101011",
            ),
            (
                "ab 1~",
                "110100100001001011000010010000110110110011001001110011010001011110101110011001100011101011",
            ),
            (
                "h_1a2b",
                "11010010000100110000101010011000010011100110100101100001100111001010010000110101100100001100011101011",
            ),
        ];
        for &(text, expected) in cases {
            assert_eq!(modules(text), expected, "{text}");
        }
    }

    #[test]
    fn refuses_what_code_set_b_cannot_encode() {
        for text in ["", "билет", "tab\there", "line\n"] {
            assert_eq!(code128b_values(text), None, "{text:?}");
            assert_eq!(code128b_drawing(text), None, "{text:?}");
        }
    }

    #[test]
    fn draws_one_rectangle_per_bar_between_quiet_zones() {
        let drawing = code128b_drawing("A").unwrap();
        // 11 × (start, data, check) + 13 stop + 2 × 10 quiet.
        assert_eq!(drawing.width_modules, 3 * 11 + 13 + 20);
        assert_eq!(drawing.bars.len(), 3 * 3 + 4, "three bars per symbol, four in the stop pattern");
        // Start B is 2 1 1 2 1 4: bars at 10 (2 wide), 13 (1), 16 (1).
        assert_eq!(drawing.bars[..3], [(10, 2), (13, 1), (16, 1)]);
        // The stop pattern ends with its two-module bar, then the quiet zone.
        assert_eq!(drawing.bars.last(), Some(&(54, 2)));

        let digits = code128b_drawing("4600123456789").unwrap();
        assert_eq!(digits.width_modules, (13 + 2) * 11 + 13 + 20);
    }

    #[test]
    fn wraps_the_bars_in_an_svg_that_names_its_value() {
        let svg = code128b_svg("A").unwrap();
        assert!(svg.starts_with("<svg class=\"tw-barcode-bars\" data-testid=\"barcode\" data-value=\"A\" viewBox=\"0 0 66 1\" style=\"--modules:66\""), "{svg}");
        assert!(svg.contains("aria-label=\"A\"><rect x=\"10\" width=\"2\" height=\"1\"/><rect x=\"13\""), "{svg}");
        assert_eq!(svg.matches("<rect ").count(), 13);
        assert!(svg.ends_with("</svg>"), "{svg}");
        let quoted = code128b_svg("a\"<b").unwrap();
        assert!(quoted.contains("data-value=\"a&quot;&lt;b\""), "{quoted}");
        assert_eq!(code128b_svg("билет"), None);
    }
}
