//! What the buyer has picked in one hall, and what it costs.
//!
//! Seats are kept in the order they were picked (the summary lists them that
//! way); general-admission quantities are kept per admission. The rules the
//! buyer notices live here: a taken seat cannot be picked, a quantity cannot
//! exceed what is left, and when fresh availability (the live feed) says
//! someone else took a pick, it leaves the selection and is remembered as
//! *lost* until the buyer has seen it (see [`Selection::take_conflicts`]).

use std::collections::BTreeMap;

use ticket_contract::{CreateHold, Currency, Layout, Money};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    seats: Vec<usize>,
    admissions: BTreeMap<usize, u32>,
    /// Picks someone else took while the buyer was choosing, oldest first.
    lost: Vec<LostPick>,
}

/// A pick that someone else took before the buyer pressed "reserve".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostPick {
    /// The seat (index into `Layout::seats`); no longer picked.
    Seat(usize),
    /// Of admission `index` the buyer wanted `wanted` places, but only `left`
    /// are left; the quantity is now `left`.
    Admission { index: usize, wanted: u32, left: u32 },
}

impl LostPick {
    /// Whether the two are about the same seat or the same admission.
    pub fn is_same_pick(&self, other: &LostPick) -> bool {
        match (self, other) {
            (LostPick::Seat(seat), LostPick::Seat(other)) => seat == other,
            (LostPick::Admission { index, .. }, LostPick::Admission { index: other, .. }) => index == other,
            _ => false,
        }
    }
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
            // Picked again after it came free: the buyer has seen it.
            self.dismiss_lost(LostPick::Seat(seat_index));
            self.seats.push(seat_index);
            true
        } else {
            false
        }
    }

    /// Takes seats the buyer picked before the widget could judge them (on
    /// the painted hall) as picked, whatever their state: `take_conflicts`
    /// then turns one taken meanwhile into a lost pick.
    pub fn adopt_picks(&mut self, seat_indices: &[usize]) {
        for &index in seat_indices {
            if !self.seats.contains(&index) {
                self.seats.push(index);
            }
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
    /// A lost-places note for this admission is settled by the buyer's own
    /// choice of quantity.
    pub fn set_admission_quantity(&mut self, admission_index: usize, quantity: u32, quantity_left: u32) -> u32 {
        self.dismiss_lost(LostPick::Admission { index: admission_index, wanted: 0, left: 0 });
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

    /// Fresh availability arrived while the buyer is choosing: a picked seat
    /// it shows taken leaves the selection, a quantity above what is left is
    /// cut to it, and each is remembered as lost so the buyer is told which
    /// (by zone, row and place). Returns the picks lost just now.
    ///
    /// The caller must not do this while the buyer's own reservation is on
    /// its way: the proxy may already count their seats as taken.
    pub fn take_conflicts(&mut self, seats_available: &[bool], admissions_left: &[u32]) -> Vec<LostPick> {
        let mut newly_lost = Vec::new();
        self.seats.retain(|&index| {
            let available = seats_available.get(index).copied().unwrap_or(false);
            if !available {
                newly_lost.push(LostPick::Seat(index));
            }
            available
        });
        for (&index, quantity) in self.admissions.iter_mut() {
            let left = admissions_left.get(index).copied().unwrap_or(0);
            if *quantity > left {
                let wanted = self
                    .lost
                    .iter()
                    .find_map(|lost| match *lost {
                        LostPick::Admission { index: lost_index, wanted, .. } if lost_index == index => Some(wanted),
                        _ => None,
                    })
                    .unwrap_or(*quantity);
                newly_lost.push(LostPick::Admission { index, wanted, left });
                *quantity = left;
            }
        }
        self.admissions.retain(|_, quantity| *quantity > 0);
        for lost in &newly_lost {
            self.lost.retain(|kept| !kept.is_same_pick(lost));
            self.lost.push(*lost);
        }
        newly_lost
    }

    /// Picks someone else took, until the buyer dismisses them.
    pub fn lost(&self) -> &[LostPick] {
        &self.lost
    }

    /// The buyer has seen that `lost` is gone (the × on its line).
    pub fn dismiss_lost(&mut self, lost: LostPick) {
        self.lost.retain(|kept| !kept.is_same_pick(&lost));
    }

    /// Whether "reserve" may go out: something is picked, and nothing the
    /// buyer picked was taken without them having seen it. Silently
    /// reserving the rest would be wrong for a buyer who chose seats as a set
    /// (a family sitting together): they decide whether the rest still makes
    /// sense, or pick another block.
    pub fn may_reserve(&self) -> bool {
        !self.is_empty() && self.lost.is_empty()
    }

    /// The `POST /v1/holds` body for everything picked, seats in pick order.
    pub fn hold_request(&self, layout: &Layout) -> CreateHold {
        let mut request = CreateHold {
            event: layout.event_id.clone(),
            show: layout.show_id.clone(),
            seats: Vec::with_capacity(self.seats.len()),
            admission: Default::default(),
            best: None,
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
    use ticket_contract::{fixtures, Zone};

    fn layout() -> Layout {
        let seat = |id: &str, price: i64| fixtures::seat(id, 0, "1", id, (0.0, 0.0), price);
        let zone = Zone { price_max: Money::rub_minor(300_000), ..fixtures::zone("z", "Партер", 150_000) };
        Layout {
            admissions: vec![fixtures::admission("ga", 0, 100_000), fixtures::admission("vip", 0, 500_000)],
            ..fixtures::layout(vec![zone], vec![seat("a", 150_000), seat("b", 300_000), seat("c", 150_050)])
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
    fn adopts_early_picks_once_and_loses_the_taken_ones() {
        let mut selection = Selection::default();
        selection.toggle_seat(3, true);
        selection.adopt_picks(&[1, 3, 2]);
        assert_eq!(selection.seats(), &[3, 1, 2], "each seat once, in the order picked");
        // Seat 2 was taken before the widget could judge the pick.
        assert_eq!(selection.take_conflicts(&[true, true, false, true], &[]), vec![LostPick::Seat(2)]);
        assert_eq!(selection.seats(), &[3, 1]);
        assert_eq!(selection.lost(), &[LostPick::Seat(2)]);
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
    fn takes_out_and_remembers_picks_someone_else_took() {
        let mut selection = Selection::default();
        selection.toggle_seat(0, true);
        selection.toggle_seat(1, true);
        selection.toggle_seat(2, true);
        selection.set_admission_quantity(0, 4, 10);
        selection.set_admission_quantity(1, 2, 10);
        assert!(selection.may_reserve());

        // Nothing changed for the picks: nothing lost.
        assert_eq!(selection.take_conflicts(&[true, true, true], &[10, 10]), vec![]);
        /// Seats available, admissions left → lost just now, seats kept,
        /// quantities kept, every lost pick so far.
        type Case<'a> = (&'a [bool], &'a [u32], &'a [LostPick], &'a [usize], &'a [(usize, u32)], &'a [LostPick]);
        let cases: &[Case] = &[
            (
                &[true, false, true],
                &[3, 10],
                &[LostPick::Seat(1), LostPick::Admission { index: 0, wanted: 4, left: 3 }],
                &[0, 2],
                &[(0, 3), (1, 2)],
                &[LostPick::Seat(1), LostPick::Admission { index: 0, wanted: 4, left: 3 }],
            ),
            // Seat 1 came free again: it stays unselected (the buyer decides),
            // and the note stays until they have seen it. Fewer places still:
            // the note keeps what the buyer wanted at first.
            (
                &[true, true, true],
                &[1, 0],
                &[LostPick::Admission { index: 0, wanted: 4, left: 1 }, LostPick::Admission { index: 1, wanted: 2, left: 0 }],
                &[0, 2],
                &[(0, 1)],
                &[
                    LostPick::Seat(1),
                    LostPick::Admission { index: 0, wanted: 4, left: 1 },
                    LostPick::Admission { index: 1, wanted: 2, left: 0 },
                ],
            ),
        ];
        for (index, &(seats, left, newly, kept_seats, kept_admissions, lost)) in cases.iter().enumerate() {
            assert_eq!(selection.take_conflicts(seats, left), newly, "case {index}");
            assert_eq!(selection.seats(), kept_seats, "case {index}");
            assert_eq!(selection.admissions().collect::<Vec<_>>(), kept_admissions, "case {index}");
            assert_eq!(selection.lost(), lost, "case {index}");
            assert!(!selection.may_reserve(), "case {index}: not before the buyer has seen it");
        }
        // Seats beyond the document count as taken.
        assert_eq!(selection.take_conflicts(&[false], &[5, 5]), vec![LostPick::Seat(0), LostPick::Seat(2)]);
        assert_eq!(selection.seats(), &[] as &[usize]);

        // The buyer dismisses the notes one by one, or acts on them.
        selection.dismiss_lost(LostPick::Seat(1));
        selection.dismiss_lost(LostPick::Admission { index: 1, wanted: 0, left: 0 });
        selection.set_admission_quantity(0, 1, 5);
        selection.toggle_seat(0, true); // free again and picked again
        assert_eq!(selection.lost(), &[LostPick::Seat(2)]);
        assert!(!selection.may_reserve());
        selection.dismiss_lost(LostPick::Seat(2));
        assert!(selection.may_reserve());
        assert_eq!(selection.seats(), &[0]);
        assert_eq!(selection.admissions().collect::<Vec<_>>(), vec![(0, 1)]);
        assert!(!Selection::default().may_reserve(), "nothing picked");
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
                best: None,
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
