//! What the buyer has picked in one hall, and what it costs.
//!
//! Seats are kept in the order they were picked (the summary lists them that
//! way); general-admission quantities are kept per admission. The rules the
//! buyer notices live here: a taken seat cannot be picked, a quantity cannot
//! exceed what is left, and when fresh availability arrives, picks that are no
//! longer possible are dropped (and counted, so the UI can say so).

use std::collections::BTreeMap;

use ticket_contract::{CreateHold, Currency, Layout, Money};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    seats: Vec<usize>,
    admissions: BTreeMap<usize, u32>,
}

impl Selection {
    /// Picks or un-picks the seat at `seat_index` (index into `Layout::seats`).
    /// Un-picking always works; picking only when the seat is available.
    /// Returns whether anything changed.
    pub fn toggle_seat(&mut self, seat_index: usize, available: bool) -> bool {
        if let Some(position) = self.seats.iter().position(|&index| index == seat_index) {
            self.seats.remove(position);
            true
        } else if available {
            self.seats.push(seat_index);
            true
        } else {
            false
        }
    }

    pub fn is_seat_selected(&self, seat_index: usize) -> bool {
        self.seats.contains(&seat_index)
    }

    /// Selected seat indices, in the order they were picked.
    pub fn seats(&self) -> &[usize] {
        &self.seats
    }

    /// Sets how many tickets of admission `admission_index` the buyer wants,
    /// bounded by `quantity_left`. Returns the quantity actually set.
    pub fn set_admission_quantity(&mut self, admission_index: usize, quantity: u32, quantity_left: u32) -> u32 {
        let quantity = quantity.min(quantity_left);
        if quantity == 0 {
            self.admissions.remove(&admission_index);
        } else {
            self.admissions.insert(admission_index, quantity);
        }
        quantity
    }

    pub fn admission_quantity(&self, admission_index: usize) -> u32 {
        self.admissions.get(&admission_index).copied().unwrap_or(0)
    }

    /// `(admission index, quantity)` for every admission with a quantity.
    pub fn admissions(&self) -> impl Iterator<Item = (usize, u32)> + '_ {
        self.admissions.iter().map(|(&index, &quantity)| (index, quantity))
    }

    pub fn ticket_count(&self) -> u64 {
        self.seats.len() as u64 + self.admissions.values().map(|&quantity| quantity as u64).sum::<u64>()
    }

    pub fn is_empty(&self) -> bool {
        self.ticket_count() == 0
    }

    /// The price of everything picked. Indices that do not exist in `layout`
    /// (a selection from another hall) count as nothing.
    pub fn total(&self, layout: &Layout) -> Money {
        let seats: i64 = self.seats.iter().filter_map(|&index| layout.seats.get(index)).map(|seat| seat.price.minor).sum();
        let admissions: i64 = self
            .admissions
            .iter()
            .filter_map(|(&index, &quantity)| {
                layout.admissions.get(index).map(|admission| admission.price.minor * quantity as i64)
            })
            .sum();
        Money { minor: seats + admissions, currency: Currency::Rub }
    }

    /// Drops picks that fresh availability no longer allows: taken seats, and
    /// quantities above what is left. Returns how many tickets were dropped.
    pub fn drop_unavailable(&mut self, seats_available: &[bool], admissions_left: &[u32]) -> u64 {
        let before = self.ticket_count();
        self.seats.retain(|&index| seats_available.get(index).copied().unwrap_or(false));
        self.admissions.retain(|&index, quantity| {
            *quantity = (*quantity).min(admissions_left.get(index).copied().unwrap_or(0));
            *quantity > 0
        });
        before - self.ticket_count()
    }

    /// The `POST /v1/holds` body for everything picked, seats in pick order.
    pub fn hold_request(&self, layout: &Layout) -> CreateHold {
        let mut request = CreateHold {
            event: layout.event_id.clone(),
            show: layout.show_id.clone(),
            seats: Vec::with_capacity(self.seats.len()),
            admission: Default::default(),
        };
        for &index in &self.seats {
            if let Some(seat) = layout.seats.get(index) {
                request.seats.push(seat.id.clone());
            }
        }
        // One insert at a time: collecting into a BTreeMap pulls a sort into
        // the wasm for a map of two or three entries.
        for (&index, &quantity) in &self.admissions {
            if let Some(admission) = layout.admissions.get(index) {
                request.admission.insert(admission.id.clone(), quantity);
            }
        }
        request
    }

    /// Un-picks the seats the proxy says someone else took (`unavailable`
    /// from a `seat_unavailable` answer) and keeps every other pick. Admission
    /// quantities stay until fresh availability says how many are left.
    pub fn remove_taken(&mut self, layout: &Layout, unavailable: &[String]) -> TakenPicks {
        let is_taken = |id: &str| unavailable.iter().any(|taken| taken == id);
        let before = self.seats.len();
        self.seats.retain(|&index| layout.seats.get(index).is_none_or(|seat| !is_taken(&seat.id)));
        TakenPicks {
            seats: (before - self.seats.len()) as u64,
            admissions: self
                .admissions
                .keys()
                .any(|&index| layout.admissions.get(index).is_some_and(|admission| is_taken(&admission.id))),
        }
    }
}

/// What a `seat_unavailable` answer took from the buyer's picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TakenPicks {
    /// Picked seats that are gone.
    pub seats: u64,
    /// Whether some admission quantity could not be had.
    pub admissions: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{Admission, Geometry, Seat, Zone};

    fn layout() -> Layout {
        let seat = |id: &str, price: i64| Seat {
            id: id.into(),
            zone: 0,
            row: "1".into(),
            place: id.into(),
            x: 0.0,
            y: 0.0,
            price: Money::rub_minor(price),
        };
        Layout {
            event_id: "qt:1".into(),
            show_id: "1".into(),
            version: "v1".into(),
            width: 10.0,
            height: 10.0,
            geometry: Geometry::Upstream,
            zones: vec![Zone {
                id: "z".into(),
                name: "Партер".into(),
                price_min: Money::rub_minor(150_000),
                price_max: Money::rub_minor(300_000),
            }],
            seats: vec![seat("a", 150_000), seat("b", 300_000), seat("c", 150_050)],
            admissions: vec![
                Admission { id: "ga".into(), zone: 0, price: Money::rub_minor(100_000) },
                Admission { id: "vip".into(), zone: 0, price: Money::rub_minor(500_000) },
            ],
            labels: vec![],
        }
    }

    #[test]
    fn toggles_only_available_seats_but_always_releases() {
        let mut selection = Selection::default();
        let steps: &[(usize, bool, bool, &[usize])] = &[
            (0, true, true, &[0]),
            (1, false, false, &[0]),
            (2, true, true, &[0, 2]),
            (0, true, true, &[2]),
            // A picked seat that became unavailable can still be un-picked.
            (2, false, true, &[]),
        ];
        for &(index, available, changed, expected) in steps {
            assert_eq!(selection.toggle_seat(index, available), changed, "seat {index}");
            assert_eq!(selection.seats(), expected);
        }
    }

    #[test]
    fn bounds_admission_quantities() {
        let mut selection = Selection::default();
        let steps: &[(usize, u32, u32, u32)] = &[(0, 2, 10, 2), (0, 12, 10, 10), (1, 1, 0, 0), (0, 0, 10, 0)];
        for &(index, wanted, left, expected) in steps {
            assert_eq!(selection.set_admission_quantity(index, wanted, left), expected);
            assert_eq!(selection.admission_quantity(index), expected);
        }
        assert!(selection.is_empty());
    }

    #[test]
    fn totals_seats_and_admissions() {
        let layout = layout();
        let mut selection = Selection::default();
        assert_eq!(selection.total(&layout), Money::rub_minor(0));
        selection.toggle_seat(0, true);
        selection.toggle_seat(1, true);
        assert_eq!(selection.total(&layout), Money::rub_minor(450_000));
        selection.set_admission_quantity(0, 3, 10);
        assert_eq!(selection.total(&layout), Money::rub_minor(750_000));
        selection.toggle_seat(2, true);
        selection.toggle_seat(99, true); // not in this hall
        assert_eq!(selection.total(&layout), Money::rub_minor(900_050));
        assert_eq!(selection.ticket_count(), 7);
    }

    #[test]
    fn drops_picks_that_fresh_availability_forbids() {
        let mut selection = Selection::default();
        selection.toggle_seat(0, true);
        selection.toggle_seat(1, true);
        selection.set_admission_quantity(0, 4, 10);
        selection.set_admission_quantity(1, 2, 10);
        let dropped = selection.drop_unavailable(&[true, false, true], &[3]);
        assert_eq!(dropped, 1 + 1 + 2);
        assert_eq!(selection.seats(), &[0]);
        assert_eq!(selection.admissions().collect::<Vec<_>>(), vec![(0, 3)]);
    }

    #[test]
    fn asks_for_a_hold_on_everything_picked() {
        let layout = layout();
        let mut selection = Selection::default();
        selection.toggle_seat(2, true);
        selection.toggle_seat(0, true);
        selection.set_admission_quantity(1, 2, 10);
        selection.toggle_seat(99, true); // not in this hall: never sent
        assert_eq!(
            selection.hold_request(&layout),
            CreateHold {
                event: "qt:1".into(),
                show: "1".into(),
                seats: vec!["c".into(), "a".into()],
                admission: BTreeMap::from([("vip".to_owned(), 2)]),
            }
        );
    }

    #[test]
    fn removes_only_the_seats_someone_else_took() {
        let layout = layout();
        let cases: &[(&[&str], &[usize], TakenPicks)] = &[
            (&["b"], &[0, 2], TakenPicks { seats: 1, admissions: false }),
            (&["a", "c", "zz"], &[1], TakenPicks { seats: 2, admissions: false }),
            (&["ga"], &[0, 1, 2], TakenPicks { seats: 0, admissions: true }),
            (&["vip"], &[0, 1, 2], TakenPicks { seats: 0, admissions: false }),
            (&[], &[0, 1, 2], TakenPicks { seats: 0, admissions: false }),
        ];
        for &(unavailable, kept, expected) in cases {
            let mut selection = Selection::default();
            for seat in 0..3 {
                selection.toggle_seat(seat, true);
            }
            selection.set_admission_quantity(0, 2, 10);
            let unavailable: Vec<String> = unavailable.iter().map(|id| id.to_string()).collect();
            assert_eq!(selection.remove_taken(&layout, &unavailable), expected, "{unavailable:?}");
            assert_eq!(selection.seats(), kept, "{unavailable:?}");
            assert_eq!(selection.admission_quantity(0), 2, "quantities wait for fresh availability");
        }
    }
}
