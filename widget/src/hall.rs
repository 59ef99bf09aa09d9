//! A hall ready to draw: layout + availability turned into seat states, seat
//! size, zone colours and the SVG markup of every seat.
//!
//! A 10,000-seat hall must appear quickly and stay responsive, so the seat map
//! does not build one reactive view per seat. It inserts the markup built here
//! once (one `<circle>` per seat, styled by class and `data-state`), and later
//! rewrites only the `data-state` of seats whose state changed (see
//! [`seat_states`]). Building that markup is pure string work, tested here,
//! including the escaping of upstream ids.

use ticket_contract::{Availability, Layout};

use crate::api_error::ApiError;
use crate::number::fixed;
use crate::selection::{LostPick, Selection};

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
    /// reserved (`Selection::lost`): drawn apart from other taken seats.
    Lost,
}

impl SeatState {
    /// The `data-state` attribute value (the stylesheet and tests key on it).
    pub fn as_str(self) -> &'static str {
        match self {
            SeatState::Available => "available",
            SeatState::Unavailable => "unavailable",
            SeatState::Selected => "selected",
            SeatState::Lost => "lost",
        }
    }

    /// Whether the seat cannot be picked (`aria-disabled`).
    pub fn is_disabled(self) -> bool {
        matches!(self, SeatState::Unavailable | SeatState::Lost)
    }
}

/// What can be bought in a hall right now, indexed like the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HallAvailability {
    /// One flag per `Layout::seats` entry.
    pub seats: Vec<bool>,
    /// Places left per `Layout::admissions` entry (0 when the proxy omits one).
    pub admissions_left: Vec<u32>,
}

impl HallAvailability {
    /// Decodes an availability document against the layout it must match.
    pub fn from_documents(layout: &Layout, availability: &Availability) -> Result<HallAvailability, ApiError> {
        if availability.layout_version != layout.version {
            return Err(ApiError::LayoutChanged);
        }
        let (seats, admissions_left) = availability.for_layout(layout).ok_or(ApiError::BadResponse)?;
        Ok(HallAvailability { seats, admissions_left })
    }

    /// Marks seats the proxy reported taken (layout indices) as unavailable,
    /// even if the availability document is a moment older than that answer.
    pub fn mark_taken(&mut self, taken: &[usize]) {
        for &index in taken {
            if let Some(available) = self.seats.get_mut(index) {
                *available = false;
            }
        }
    }

    pub fn is_seat_available(&self, seat_index: usize) -> bool {
        self.seats.get(seat_index).copied().unwrap_or(false)
    }

    pub fn admission_left(&self, admission_index: usize) -> u32 {
        self.admissions_left.get(admission_index).copied().unwrap_or(0)
    }
}

/// Seats a `seat_unavailable` answer named: shown taken at once, until a
/// document newer than the one on screen at that moment arrives (it knows
/// about them, whatever it says: the rival hold may have ended since).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportedTaken {
    seats: Vec<usize>,
    /// The revision on screen when the answer came.
    shown_revision: u64,
}

impl ReportedTaken {
    /// The proxy said `seats` are taken while `shown_revision` was on screen.
    pub fn report(&mut self, seats: Vec<usize>, shown_revision: u64) {
        if shown_revision > self.shown_revision {
            self.seats.clear();
        }
        self.seats.extend(seats);
        self.shown_revision = self.shown_revision.max(shown_revision);
    }

    /// Marks the reported seats taken in a document of `revision`, unless it
    /// is newer than the report. Revision 0 (unknown) never outdates it.
    pub fn apply(&self, availability: &mut HallAvailability, revision: u64) {
        if revision <= self.shown_revision || revision == 0 {
            availability.mark_taken(&self.seats);
        }
    }
}

/// Layout indices of the seats with these ids (e.g. the `unavailable` ids of
/// a `seat_unavailable` answer); ids not in the layout are skipped.
pub fn seat_indices(layout: &Layout, seat_ids: &[String]) -> Vec<usize> {
    layout.seats.iter().enumerate().filter(|(_, seat)| seat_ids.contains(&seat.id)).map(|(index, _)| index).collect()
}

/// The state of every seat, in layout order. A lost pick is marked while it
/// is taken; once it comes free it is simply available again.
pub fn seat_states(availability: &HallAvailability, selection: &Selection) -> Vec<SeatState> {
    let mut states: Vec<SeatState> = availability
        .seats
        .iter()
        .map(|&available| if available { SeatState::Available } else { SeatState::Unavailable })
        .collect();
    for lost in selection.lost() {
        if let LostPick::Seat(index) = *lost {
            if let Some(state) = states.get_mut(index).filter(|state| **state == SeatState::Unavailable) {
                *state = SeatState::Lost;
            }
        }
    }
    for &index in selection.seats() {
        if let Some(state) = states.get_mut(index) {
            *state = SeatState::Selected;
        }
    }
    states
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

/// Indices of zones that have seats (for the legend), in zone order.
pub fn seated_zones(layout: &Layout) -> Vec<usize> {
    let mut used = vec![false; layout.zones.len()];
    for seat in &layout.seats {
        if let Some(flag) = used.get_mut(seat.zone as usize) {
            *flag = true;
        }
    }
    used.iter().enumerate().filter(|(_, &is_used)| is_used).map(|(index, _)| index).collect()
}

/// The markup of every seat circle, for one `innerHTML` write into the map's
/// seat layer. `data-index` is how the map's single event listener finds the
/// seat under the pointer.
pub fn seats_markup(layout: &Layout, radius: f64, states: &[SeatState]) -> String {
    let mut markup = String::with_capacity(layout.seats.len() * 150);
    for (index, seat) in layout.seats.iter().enumerate() {
        let state = states.get(index).copied().unwrap_or(SeatState::Unavailable);
        markup.push_str(&format!(
            "<circle class=\"seat {}\" cx=\"{}\" cy=\"{}\" r=\"{}\" data-testid=\"seat\" data-index=\"{index}\" data-seat-id=\"{}\" data-state=\"{}\"{}/>",
            zone_class(seat.zone as usize),
            fixed(seat.x as f64, 1),
            fixed(seat.y as f64, 1),
            fixed(radius, 2),
            escape_attribute(&seat.id),
            state.as_str(),
            if state.is_disabled() { " aria-disabled=\"true\"" } else { "" },
        ));
    }
    markup
}

/// Escapes text for a double-quoted HTML/SVG attribute.
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
    use ticket_contract::{Admission, AdmissionAvailability, Geometry, Money, Seat, Zone};

    fn seat(id: &str, zone: u16, x: f32, y: f32) -> Seat {
        Seat { id: id.into(), zone, row: "1".into(), place: "1".into(), x, y, price: Money::rub_minor(100_000) }
    }

    fn zone(name: &str) -> Zone {
        Zone { id: name.into(), name: name.into(), price_min: Money::rub_minor(100_000), price_max: Money::rub_minor(100_000) }
    }

    fn layout(seats: Vec<Seat>) -> Layout {
        Layout {
            event_id: "qt:1".into(),
            show_id: "1".into(),
            version: "v7".into(),
            width: 400.0,
            height: 200.0,
            geometry: Geometry::Generated,
            zones: vec![zone("A"), zone("B"), zone("GA")],
            seats,
            admissions: vec![
                Admission { id: "ga".into(), zone: 2, price: Money::rub_minor(50_000) },
                Admission { id: "gone".into(), zone: 2, price: Money::rub_minor(50_000) },
            ],
            labels: vec![],
            accepts_promocodes: false,
        }
    }

    fn availability(version: &str, bits: &str) -> Availability {
        Availability {
            event_id: "qt:1".into(),
            show_id: "1".into(),
            layout_version: version.into(),
            seats_available: bits.into(),
            admissions: vec![AdmissionAvailability { id: "ga".into(), quantity_left: 12 }],
            revision: 0,
            stale: false,
        }
    }

    #[test]
    fn decodes_availability_against_its_layout() {
        let hall = layout(vec![seat("a", 0, 0.0, 0.0), seat("b", 0, 10.0, 0.0), seat("c", 1, 20.0, 0.0)]);
        let decoded = HallAvailability::from_documents(&hall, &availability("v7", "a0")).unwrap();
        assert_eq!(decoded.seats, vec![true, false, true]);
        assert_eq!(decoded.admissions_left, vec![12, 0]);
        assert!(decoded.is_seat_available(0) && !decoded.is_seat_available(1) && !decoded.is_seat_available(9));

        let cases: &[(Availability, ApiError)] = &[
            (availability("v6", "a0"), ApiError::LayoutChanged),
            (availability("v7", ""), ApiError::BadResponse),
            (availability("v7", "zz"), ApiError::BadResponse),
        ];
        for (document, expected) in cases {
            assert_eq!(&HallAvailability::from_documents(&hall, document).unwrap_err(), expected);
        }
    }

    #[test]
    fn marks_seats_the_proxy_reported_taken() {
        let hall = layout(vec![seat("a", 0, 0.0, 0.0), seat("b", 0, 10.0, 0.0), seat("c", 1, 20.0, 0.0)]);
        let taken = seat_indices(&hall, &["c".to_owned(), "ga".to_owned(), "nope".to_owned(), "a".to_owned()]);
        assert_eq!(taken, vec![0, 2], "seat ids only, in layout order");
        let mut decoded = HallAvailability::from_documents(&hall, &availability("v7", "e0")).unwrap();
        assert_eq!(decoded.seats, vec![true, true, true]);
        decoded.mark_taken(&[2, 99]);
        assert_eq!(decoded.seats, vec![true, true, false]);
        assert_eq!(decoded.admissions_left, vec![12, 0], "admissions follow the document");
    }

    #[test]
    fn merges_availability_and_selection_into_states() {
        let availability = HallAvailability { seats: vec![true, false, true, true], admissions_left: vec![] };
        let mut selection = Selection::default();
        selection.toggle_seat(2, true);
        selection.toggle_seat(7, true); // out of range: ignored
        assert_eq!(
            seat_states(&availability, &selection),
            vec![SeatState::Available, SeatState::Unavailable, SeatState::Selected, SeatState::Available]
        );
        // Seat 3 picked, then taken by someone else: marked as lost; seat 2
        // lost too but free again: just available.
        selection.toggle_seat(3, true);
        let taken_from_buyer = HallAvailability { seats: vec![true, false, true, false], admissions_left: vec![] };
        selection.take_conflicts(&[true, false, false, false], &[]);
        assert_eq!(
            seat_states(&taken_from_buyer, &selection),
            vec![SeatState::Available, SeatState::Unavailable, SeatState::Available, SeatState::Lost]
        );
    }

    #[test]
    fn shows_reported_seats_taken_until_a_newer_document() {
        let mut reported = ReportedTaken::default();
        reported.report(vec![0], 100);
        reported.report(vec![3, 9], 100);
        let all_free = HallAvailability { seats: vec![true; 4], admissions_left: vec![] };
        let cases: &[(u64, &[bool])] = &[
            // The document on screen then, or an older one: not yet aware.
            (100, &[false, true, true, false]),
            (90, &[false, true, true, false]),
            // A server that does not know revisions: keep them taken.
            (0, &[false, true, true, false]),
            // Newer: it knows, and the seats are free again.
            (101, &[true, true, true, true]),
        ];
        for &(revision, expected) in cases {
            let mut shown = all_free.clone();
            reported.apply(&mut shown, revision);
            assert_eq!(shown.seats, expected, "revision {revision}");
        }
        // A later report replaces what a newer document already settled.
        reported.report(vec![1], 150);
        let mut shown = all_free.clone();
        reported.apply(&mut shown, 150);
        assert_eq!(shown.seats, vec![true, false, true, true]);
    }

    #[test]
    fn sizes_seats_from_their_spacing_not_their_order() {
        // Two rows, 10 units apart horizontally, 16 vertically, listed out of order.
        let mut seats = Vec::new();
        for row in [1.0f32, 0.0] {
            for place in [3.0f32, 0.0, 2.0, 1.0] {
                seats.push(seat("s", 0, 100.0 + place * 10.0, 50.0 + row * 16.0));
            }
        }
        let radius = seat_radius(&layout(seats));
        assert!((radius - 4.2).abs() < 1e-6, "{radius}");
        // Degenerate halls get a size derived from the layout box.
        assert_eq!(seat_radius(&layout(vec![])), 5.0);
        assert_eq!(seat_radius(&layout(vec![seat("a", 0, 1.0, 1.0), seat("b", 0, 1.0, 1.0)])), 5.0);
    }

    #[test]
    fn lists_zones_that_have_seats() {
        let hall = layout(vec![seat("a", 1, 0.0, 0.0), seat("b", 0, 1.0, 0.0), seat("c", 1, 2.0, 0.0), seat("d", 9, 0.0, 0.0)]);
        assert_eq!(seated_zones(&hall), vec![0, 1]);
        assert_eq!(zone_class(3), "z3");
        assert_eq!(zone_class(13), "z3");
    }

    #[test]
    fn builds_escaped_seat_markup() {
        let hall = layout(vec![seat("s-1", 0, 10.0, 20.25), seat("x\"><script>&'", 1, 30.0, 40.0)]);
        let markup = seats_markup(&hall, 4.2, &[SeatState::Selected, SeatState::Unavailable]);
        let lost = seats_markup(&layout(vec![seat("s-2", 0, 1.0, 2.0)]), 4.2, &[SeatState::Lost]);
        assert!(lost.ends_with(r#"data-state="lost" aria-disabled="true"/>"#), "{lost}");
        assert_eq!(
            markup,
            concat!(
                r#"<circle class="seat z0" cx="10.0" cy="20.3" r="4.20" data-testid="seat" data-index="0" data-seat-id="s-1" data-state="selected"/>"#,
                r#"<circle class="seat z1" cx="30.0" cy="40.0" r="4.20" data-testid="seat" data-index="1" data-seat-id="x&quot;&gt;&lt;script&gt;&amp;&#39;" data-state="unavailable" aria-disabled="true"/>"#,
            )
        );
    }
}
