//! A hall ready to draw: layout + availability turned into seat states.
//!
//! A 10,000-seat hall must appear quickly and stay responsive, so the seat map
//! does not build one reactive view per seat. It inserts (or adopts, when the
//! edge painted it first) the markup of `ticket-paint` once (one `<circle>`
//! per seat, styled by class and `data-state`, which an available seat does
//! not carry), and later rewrites only the `data-state` of seats whose state
//! changed (see [`seat_states`]). The seat
//! size, zone colours and markup live in `ticket-paint`, shared with the edge
//! proxy's first paint, and are re-exported here.

use ticket_contract::{Availability, Layout};

pub use ticket_paint::{escape_attribute, seat_radius, seats_markup, zone_class, SeatState, ZONE_PALETTE_SIZE};

use crate::api_error::ApiError;
use crate::selection::{LostPick, Selection};

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

pub use ticket_hall::map_parts::seated_zones;
pub use ticket_hall::seat_ids::SeatIndexById;

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

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{fixtures, AdmissionAvailability, Geometry, Seat};

    fn seat(id: &str, zone: u16, x: f32, y: f32) -> Seat {
        fixtures::seat(id, zone, "1", "1", (x, y), 100_000)
    }
    fn layout(seats: Vec<Seat>) -> Layout {
        let zone = |name: &str| fixtures::zone(name, name, 100_000);
        Layout {
            version: "v7".into(),
            width: 400.0,
            height: 200.0,
            geometry: Geometry::Generated,
            admissions: vec![fixtures::admission("ga", 2, 50_000), fixtures::admission("gone", 2, 50_000)],
            ..fixtures::layout(vec![zone("A"), zone("B"), zone("GA")], seats)
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
    fn lists_zones_that_have_seats() {
        let hall = layout(vec![seat("a", 1, 0.0, 0.0), seat("b", 0, 1.0, 0.0), seat("c", 1, 2.0, 0.0), seat("d", 9, 0.0, 0.0)]);
        assert_eq!(seated_zones(&hall), vec![0, 1]);
    }

    /// The text between `open` and the next `</g>` of `markup`.
    fn layer<'a>(markup: &'a str, open: &str) -> &'a str {
        let start = markup.find(open).map(|at| at + open.len()).expect(open);
        &markup[start..start + markup[start..].find("</g>").expect("closed")]
    }

    #[test]
    fn the_edge_paints_what_the_widget_draws() {
        // A hall with labels, two zones, and ids that need escaping.
        let mut hall = layout(
            (0..23u16)
                .map(|index| {
                    seat(&format!("s<{index}>"), index % 3, 10.0 + (index % 8) as f32 * 12.5, 20.0 + (index / 8) as f32 * 15.0)
                })
                .collect(),
        );
        hall.labels = vec![ticket_contract::Label { text: "Балкон & ложа".into(), x: 50.0, y: 5.0 }];
        let bits: Vec<bool> = (0..23).map(|index| index % 3 != 1 && index != 4).collect();
        let mut document = availability("v7", "");
        document.seats_available = ticket_contract::availability_bits::encode(&bits);

        // What the widget draws for this availability and no picks.
        let decoded = HallAvailability::from_documents(&hall, &document).unwrap();
        let radius = seat_radius(&hall);
        let drawn_seats = seats_markup(&hall, radius, &seat_states(&decoded, &Selection::default()));
        let viewport = crate::viewport::Viewport::new(hall.width as f64, hall.height as f64, radius);

        // What the edge paints, with the loader's rewrite from the same bits.
        let painted = ticket_paint::apply_availability(&ticket_paint::painted_hall(&hall), &bits);
        assert_eq!(layer(&painted, "<g class=\"tw-seats\">"), drawn_seats);
        assert_eq!(layer(&painted, "<g class=\"tw-labels\" aria-hidden=\"true\">"), ticket_paint::labels_markup(&hall, radius));
        assert!(painted.contains(&format!("viewBox=\"{}\"", viewport.fit().to_attribute())), "{painted}");
        assert!(painted.contains("data-layout-version=\"v7\" data-seat-count=\"23\""));
        assert_eq!(
            painted.matches("data-state=\"unavailable\" aria-disabled=\"true\"").count(),
            bits.iter().filter(|free| !**free).count()
        );
    }
}
