//! The seat plan as markup: one pure function draws the hall for both the
//! widget (which inserts it once into its seat map) and the edge proxy (which
//! serves it, cached next to the layout, as the page's first paint before the
//! widget's wasm has arrived).
//!
//! Because the same code writes both, what a buyer sees cannot differ between
//! the painted plan and the one the widget adopts: same elements, classes,
//! `data-seat-id`, `data-state`, radius and `viewBox`. No IO, no clock: plain
//! string work over the contract's `Layout`, tested natively.
//!
//! The painted document carries every seat as available (no `data-state`);
//! the loader applies the availability bits it already reads
//! (`availability_bits`) by adding, in seat order, the attributes
//! [`seats_markup`] writes for a taken seat ([`apply_availability`] is that
//! rewrite, for the tests and the first frame).

pub mod number;

pub use number::fixed;
use ticket_contract::Layout;

/// Number of colours in the zone palette (`--z0` … `--z9` in `widget.css`).
pub const ZONE_PALETTE_SIZE: usize = 10;

/// The CSS class that gives zone `zone_index` its palette colour.
pub fn zone_class(zone_index: usize) -> String {
    format!("z{}", zone_index % ZONE_PALETTE_SIZE)
}

/// What the buyer can do with a seat right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatState {
    Available,
    Unavailable,
    Selected,
    /// The buyer had picked it and someone else took it before they
    /// reserved: drawn apart from other taken seats.
    Lost,
}

impl SeatState {
    /// The state's name (`data-state` where it is written).
    pub fn as_str(self) -> &'static str {
        match self {
            SeatState::Available => "available",
            SeatState::Unavailable => "unavailable",
            SeatState::Selected => "selected",
            SeatState::Lost => "lost",
        }
    }

    /// The `data-state` attribute a seat carries (the stylesheet and tests key
    /// on it): none for an available seat, the commonest state, which the
    /// stylesheet and tests match as `:not([data-state])`.
    pub fn data_state(self) -> Option<&'static str> {
        (self != SeatState::Available).then(|| self.as_str())
    }

    /// The state a circle's `data-state` attribute (or its absence) shows;
    /// the inverse of [`SeatState::data_state`].
    pub fn from_data_state(value: Option<&str>) -> SeatState {
        match value {
            None => SeatState::Available,
            Some("selected") => SeatState::Selected,
            Some("lost") => SeatState::Lost,
            Some(_) => SeatState::Unavailable,
        }
    }

    /// Whether the seat cannot be picked (`aria-disabled`).
    pub fn is_disabled(self) -> bool {
        matches!(self, SeatState::Unavailable | SeatState::Lost)
    }
}

/// A circle radius that keeps neighbouring seats apart: 42 % of the median
/// nearest-neighbour distance over a sample of seats. Independent of seat
/// order and of the layout's units.
pub fn seat_radius(layout: &Layout) -> f64 {
    const SAMPLE: usize = 256;
    let points: Vec<(f64, f64)> = layout.seats.iter().map(|seat| (seat.x as f64, seat.y as f64)).collect();
    let fallback = (layout.width.min(layout.height) as f64 / 40.0).max(1.0);
    if points.len() < 2 {
        return fallback;
    }
    let step = (points.len() / SAMPLE).max(1);
    let mut nearest: Vec<f64> = points
        .iter()
        .step_by(step)
        .filter_map(|&(x, y)| {
            points
                .iter()
                .map(|&(other_x, other_y)| (other_x - x).powi(2) + (other_y - y).powi(2))
                .filter(|&squared| squared > 1e-9)
                .min_by(|a, b| a.total_cmp(b))
        })
        .map(f64::sqrt)
        .collect();
    if nearest.is_empty() {
        return fallback;
    }
    nearest.sort_by(|a, b| a.total_cmp(b));
    nearest[nearest.len() / 2] * 0.42
}

/// The markup of every seat circle, for one `innerHTML` write into the map's
/// seat layer. Kept small, since a 10,000-seat hall is parsed before the
/// buyer sees a seat: a whole coordinate has no decimals, an available seat has no `data-state` (only the other states
/// are written), and a seat's index is its position among the layer's
/// children (the widget finds it from `data-seat-id`). Every circle is
/// self-closed (`/>`), and nothing else in a painted hall is: the loader's
/// rewrite ([`apply_availability`]) counts seats by it. The radius stays an
/// attribute of each circle: set once by CSS (`r`) it saved 9 bytes a seat
/// but no measurable time to the first frame, which painting the circles
/// dominates, and the attribute needs no stylesheet to draw.
pub fn seats_markup(layout: &Layout, radius: f64, states: &[SeatState]) -> String {
    let radius = fixed(radius, 2);
    let mut markup = String::with_capacity(layout.seats.len() * 90);
    for (index, seat) in layout.seats.iter().enumerate() {
        let state = states.get(index).copied().unwrap_or(SeatState::Unavailable);
        markup.push_str(&format!(
            "<circle class=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{radius}\" data-testid=\"seat\" data-seat-id=\"{}\"{}/>",
            zone_class(seat.zone as usize),
            coordinate(seat.x as f64),
            coordinate(seat.y as f64),
            escape_attribute(&seat.id),
            state_attributes(state),
        ));
    }
    markup
}

/// The attributes a seat in `state` carries beyond its position and id.
fn state_attributes(state: SeatState) -> String {
    match state.data_state() {
        None => String::new(),
        Some(value) if state.is_disabled() => format!(" data-state=\"{value}\" aria-disabled=\"true\""),
        Some(value) => format!(" data-state=\"{value}\""),
    }
}

/// A seat's coordinate: one decimal, none when it is whole (`120.5`, `64`):
/// the same number as `fixed(value, 1)`, two bytes shorter.
fn coordinate(value: f64) -> String {
    let text = fixed(value, 1);
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_owned(),
        None => text,
    }
}

/// The section captions of a generated plan, sized after the seats.
pub fn labels_markup(layout: &Layout, radius: f64) -> String {
    let font_size = fixed(radius * 2.6, 1);
    let mut markup = String::new();
    for label in &layout.labels {
        markup.push_str(&format!(
            "<text class=\"tw-label\" x=\"{}\" y=\"{}\" font-size=\"{font_size}\" text-anchor=\"middle\">{}</text>",
            fixed(label.x as f64, 1),
            fixed(label.y as f64, 1),
            escape_attribute(&label.text),
        ));
    }
    markup
}

/// The `viewBox` that shows the whole hall (as the widget's `Viewport::fit`).
pub fn whole_hall_view_box(layout: &Layout) -> String {
    format!("0.00 0.00 {} {}", fixed(layout.width.max(1.0) as f64, 2), fixed(layout.height.max(1.0) as f64, 2))
}

/// The seat map box's inline style: the hall's proportions.
pub fn map_style(layout: &Layout) -> String {
    format!("aspect-ratio:{}/{}", fixed(layout.width.max(1.0) as f64, 0), fixed(layout.height.max(1.0) as f64, 0))
}

/// The edge's first paint of a hall: the seat map's `<svg>` with its label
/// and seat layers exactly as the widget draws them, every seat available.
/// `data-layout-version` lets the loader and the widget check that the paint
/// belongs to the layout and availability they have; `data-map-style` is the
/// map box's style (the box itself is the loader's).
pub fn painted_hall(layout: &Layout) -> String {
    let radius = seat_radius(layout);
    let states = vec![SeatState::Available; layout.seats.len()];
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tw-map-svg\" viewBox=\"{}\" preserveAspectRatio=\"xMidYMid meet\" \
         data-layout-version=\"{}\" data-seat-count=\"{}\" data-map-style=\"{}\">\
         <g class=\"tw-labels\" aria-hidden=\"true\">{}</g><g class=\"tw-seats\">{}</g></svg>",
        whole_hall_view_box(layout),
        escape_attribute(&layout.version),
        layout.seats.len(),
        map_style(layout),
        labels_markup(layout, radius),
        seats_markup(layout, radius, &states),
    )
}

/// What the loader does to a painted hall with the availability bits
/// (`widget/static/widget.js`, `applyAvailability`): in seat order, every
/// seat whose bit is 0 becomes `unavailable` and `aria-disabled`. The seats
/// are the hall's self-closed elements (see [`seats_markup`]); their
/// attributes go before each `/>`.
pub fn apply_availability(painted: &str, seats_available: &[bool]) -> String {
    const SEAT_END: &str = "/>";
    let taken = state_attributes(SeatState::Unavailable);
    let mut result = String::with_capacity(painted.len() + seats_available.len() * 8);
    let mut rest = painted;
    let mut index = 0;
    while let Some(at) = rest.find(SEAT_END) {
        result.push_str(&rest[..at]);
        if !seats_available.get(index).copied().unwrap_or(false) {
            result.push_str(&taken);
        }
        result.push_str(SEAT_END);
        rest = &rest[at + SEAT_END.len()..];
        index += 1;
    }
    result.push_str(rest);
    result
}

/// The painted frame's stand-in for the event header the widget shows above
/// the hall (its back link, title, date and venue): the same classes, so the
/// same line heights, as grey bars; the map does not move when the widget's
/// header takes its place (a title on two lines moves it by one line, a
/// show without other dates up by the back link's line). The loader's
/// `paintedHall` writes the same markup.
pub const PAINTED_HEADER: &str = "<header class=\"tw-event-header tw-painted-header\" aria-hidden=\"true\"><span class=\"tw-back tw-skel\">&nbsp;</span><h2 class=\"tw-event-heading tw-skel\">&nbsp;</h2><p class=\"tw-event-when tw-skel\">&nbsp;</p><p class=\"tw-event-venue tw-skel\">&nbsp;</p></header>";

/// The hall's first frame for a partner's own server to put in its page
/// (`GET …/first-frame`): the widget's declarative shadow root — its
/// stylesheet inline, then the boxes the loader puts a painted hall in
/// (`widget/static/widget.js`, `paintedHall`: the same classes and order,
/// checked by a browser test) holding `painted` (a [`painted_hall`]) with
/// `seats_available` applied. The loader finds it in place and loads the
/// wasm at once; the widget adopts its circles as it adopts a fetched paint.
/// `None` when the drawing has no map style or the stylesheet could close
/// its `<style>` element early.
pub fn first_frame(painted: &str, seats_available: &[bool], frame: &FrameText<'_>) -> Option<String> {
    if frame.stylesheet.to_ascii_lowercase().contains("</style") {
        return None;
    }
    let map_style = attribute_value(painted, "data-map-style")?;
    let theme = if frame.dark { " tw-theme-dark" } else { "" };
    Some(format!(
        "<template shadowrootmode=\"open\"><style>{}</style>\
         <div class=\"tw-host tw-painted{theme}\" aria-busy=\"true\"><div class=\"tw-root tw-mode-element\">{PAINTED_HEADER}\
         <div class=\"tw-hall\"><div class=\"tw-hall-main\"><section class=\"tw-seating\">\
         <h3 class=\"tw-subheading\">{}</h3><div class=\"tw-map\" style=\"{map_style}\">{}</div></section></div>\
         <aside class=\"tw-hall-side\"></aside></div></div></div></template>",
        frame.stylesheet,
        escape_attribute(frame.heading),
        apply_availability(painted, seats_available),
    ))
}

/// What a first frame says and looks like besides the hall itself.
#[derive(Debug, Clone, Copy)]
pub struct FrameText<'a> {
    /// The widget's stylesheet (`widget.css`), put inline: a shadow root's
    /// linked stylesheet does not hold back its first render.
    pub stylesheet: &'a str,
    /// The heading above the map ("Выберите места" / "Choose your seats").
    pub heading: &'a str,
    /// `theme="dark"`: the widget's dark defaults from the first frame on.
    pub dark: bool,
}

/// How many seats a [`painted_hall`] draws, if it was drawn for the layout
/// `layout_version` names (else `None`: it belongs to another version).
pub fn painted_seat_count(painted: &str, layout_version: &str) -> Option<usize> {
    (attribute_value(painted, "data-layout-version")? == escape_attribute(layout_version))
        .then(|| attribute_value(painted, "data-seat-count")?.parse().ok())
        .flatten()
}

/// The value of the first `name="…"` attribute in `markup`, as written.
fn attribute_value<'m>(markup: &'m str, name: &str) -> Option<&'m str> {
    let start = markup.find(&format!(" {name}=\""))? + name.len() + 3;
    let length = markup[start..].find('"')?;
    Some(&markup[start..start + length])
}

/// Escapes text for a double-quoted HTML/SVG attribute (and for text content).
pub fn escape_attribute(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{fixtures, Geometry, Label, Seat};

    fn seat(id: &str, zone: u16, x: f32, y: f32) -> Seat {
        fixtures::seat(id, zone, "1", "1", (x, y), 100_000)
    }

    fn layout(seats: Vec<Seat>) -> Layout {
        let zone = |name: &str| fixtures::zone(name, name, 100_000);
        Layout {
            version: "v\"7".into(),
            width: 400.0,
            height: 200.0,
            geometry: Geometry::Generated,
            labels: vec![Label { text: "Партер <A&B>".into(), x: 200.0, y: 12.5 }],
            ..fixtures::layout(vec![zone("A"), zone("B")], seats)
        }
    }

    #[test]
    fn sizes_seats_from_their_spacing_not_their_order() {
        let mut seats = Vec::new();
        for row in [1.0f32, 0.0] {
            for place in [3.0f32, 0.0, 2.0, 1.0] {
                seats.push(seat("s", 0, 100.0 + place * 10.0, 50.0 + row * 16.0));
            }
        }
        let radius = seat_radius(&layout(seats));
        assert!((radius - 4.2).abs() < 1e-6, "{radius}");
        assert_eq!(seat_radius(&layout(vec![])), 5.0);
        assert_eq!(seat_radius(&layout(vec![seat("a", 0, 1.0, 1.0), seat("b", 0, 1.0, 1.0)])), 5.0);
        assert_eq!(zone_class(3), "z3");
        assert_eq!(zone_class(13), "z3");
    }

    #[test]
    fn builds_escaped_seat_markup() {
        let hall = layout(vec![seat("s-1", 0, 10.0, 20.25), seat("x\"><script>&'", 1, 30.0, 40.0)]);
        let markup = seats_markup(&hall, 4.2, &[SeatState::Selected, SeatState::Unavailable]);
        let lost = seats_markup(&layout(vec![seat("s-2", 0, 1.0, 2.0)]), 4.2, &[SeatState::Lost]);
        let free = seats_markup(&layout(vec![seat("s-3", 0, 1.0, -2.04)]), 4.2, &[SeatState::Available]);
        assert_eq!(
            free, r#"<circle class="z0" cx="1" cy="-2" r="4.20" data-testid="seat" data-seat-id="s-3"/>"#,
            "available: no state"
        );
        assert!(lost.ends_with(r#"data-state="lost" aria-disabled="true"/>"#), "{lost}");
        assert_eq!(
            markup,
            concat!(
                r#"<circle class="z0" cx="10" cy="20.3" r="4.20" data-testid="seat" data-seat-id="s-1" data-state="selected"/>"#,
                r#"<circle class="z1" cx="30" cy="40" r="4.20" data-testid="seat" data-seat-id="x&quot;&gt;&lt;script&gt;&amp;&#39;" data-state="unavailable" aria-disabled="true"/>"#,
            )
        );
    }

    #[test]
    fn paints_the_whole_hall_with_every_seat_available() {
        let hall = layout(vec![seat("a", 0, 10.0, 20.0), seat("b", 1, 30.0, 20.0)]);
        assert_eq!(
            painted_hall(&hall),
            concat!(
                r#"<svg xmlns="http://www.w3.org/2000/svg" class="tw-map-svg" viewBox="0.00 0.00 400.00 200.00" preserveAspectRatio="xMidYMid meet" "#,
                r#"data-layout-version="v&quot;7" data-seat-count="2" data-map-style="aspect-ratio:400/200">"#,
                r#"<g class="tw-labels" aria-hidden="true"><text class="tw-label" x="200.0" y="12.5" font-size="21.8" text-anchor="middle">Партер &lt;A&amp;B&gt;</text></g>"#,
                r#"<g class="tw-seats">"#,
                r#"<circle class="z0" cx="10" cy="20" r="8.40" data-testid="seat" data-seat-id="a"/>"#,
                r#"<circle class="z1" cx="30" cy="20" r="8.40" data-testid="seat" data-seat-id="b"/>"#,
                r#"</g></svg>"#,
            )
        );
    }

    #[test]
    fn the_loaders_rewrite_gives_what_seats_markup_writes_for_taken_seats() {
        let hall =
            layout((0..11).map(|index| seat(&format!("s{index}"), (index % 2) as u16, index as f32 * 10.0, 0.0)).collect());
        let radius = seat_radius(&hall);
        let everything = seats_markup(&hall, radius, &[SeatState::Available; 11]);
        let cases: &[&[bool]] =
            &[&[true; 11], &[false; 11], &[true, false, true, true, false, false, true, true, true, false, true]];
        for &bits in cases {
            let states: Vec<SeatState> =
                bits.iter().map(|&free| if free { SeatState::Available } else { SeatState::Unavailable }).collect();
            assert_eq!(apply_availability(&everything, bits), seats_markup(&hall, radius, &states), "{bits:?}");
        }
        // Too few bits: the rest is taken, as the widget reads a short document.
        assert_eq!(apply_availability(&everything, &[]), seats_markup(&hall, radius, &[]));
        // In a painted hall (captions, a seat id with `/` and `>`) only the seats change.
        let mut hall = hall;
        hall.seats[3].id = "a/>b".into();
        let painted = painted_hall(&hall);
        let bits = cases[2];
        let states: Vec<SeatState> =
            bits.iter().map(|&free| if free { SeatState::Available } else { SeatState::Unavailable }).collect();
        assert_eq!(
            apply_availability(&painted, bits),
            painted.replace(&seats_markup(&hall, radius, &[SeatState::Available; 11]), &seats_markup(&hall, radius, &states))
        );
    }

    #[test]
    fn a_first_frame_is_the_loaders_boxes_around_the_hall_with_its_availability_applied() {
        let hall = layout(vec![seat("a", 0, 10.0, 20.0), seat("b", 1, 30.0, 20.0)]);
        let painted = painted_hall(&hall);
        let text = FrameText { stylesheet: ".tw-map{color:red}", heading: "Выберите <места>", dark: false };
        let frame = first_frame(&painted, &[true, false], &text).expect("a frame");
        assert!(frame.starts_with(r#"<template shadowrootmode="open"><style>.tw-map{color:red}</style><div class="tw-host tw-painted" aria-busy="true">"#));
        assert!(
            frame.contains(
                r#"<h3 class="tw-subheading">Выберите &lt;места&gt;</h3><div class="tw-map" style="aspect-ratio:400/200"><svg "#
            ),
            "{frame}"
        );
        assert!(frame.contains(&apply_availability(&painted, &[true, false])), "the hall with b taken");
        assert!(frame.contains(r#"data-seat-id="b" data-state="unavailable" aria-disabled="true"/>"#));
        assert!(
            frame.ends_with(r#"</svg></div></section></div><aside class="tw-hall-side"></aside></div></div></div></template>"#)
        );
        let dark = first_frame(&painted, &[true, true], &FrameText { dark: true, ..text }).unwrap();
        assert!(dark.contains(r#"<div class="tw-host tw-painted tw-theme-dark" aria-busy="true">"#));
        assert!(!dark.contains("unavailable"));
    }

    #[test]
    fn a_first_frame_refuses_a_stylesheet_that_would_end_its_style_element() {
        let painted = painted_hall(&layout(vec![seat("a", 0, 10.0, 20.0)]));
        let text = FrameText { stylesheet: "a{}</STYLE><script>", heading: "x", dark: false };
        assert_eq!(first_frame(&painted, &[true], &text), None);
        assert_eq!(first_frame("<svg></svg>", &[], &FrameText { stylesheet: "", ..text }), None, "no map style");
        assert_eq!(painted_seat_count(&painted, "v\"7"), Some(1));
        assert_eq!(painted_seat_count(&painted, "v8"), None, "another layout version");
    }
}
