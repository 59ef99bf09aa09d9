//! One show's hall as its one owner (the show's Durable Object) keeps it: the
//! copy every viewer is served, kept current by upstream reads and by the
//! proxy's own holds, and the documents published from it.
//!
//! - Reads follow [`crate::single_flight`]: one upstream read at a time,
//!   however many viewers ask.
//! - A hold made, changed, released, expired or sold through the proxy is
//!   applied at once ([`ShowHall::apply_hold_change`]): every viewer sees it
//!   without waiting for the next read. A read that was already under way
//!   when a hold changed seats does not undo that change: seat changes newer
//!   than a read's start are applied again on top of what it returns.
//!   (General-admission counts are not re-applied: a count cannot tell whether
//!   the read already saw the change; the next read settles it.)
//! - The availability document carries a `revision` that moves only when
//!   something a viewer can see changed, and `stale` while the upstream fails.
//! - Places priced 0 are kept as the upstream has them, but published off
//!   sale: a hall with such places has a second availability document, with
//!   them on sale, for partners that allow free places
//!   ([`crate::free_places`] says why the owner decides it).
//! - A hall whose prices have an end (a price rule in force,
//!   [`Hall::prices_valid_until`]) is read again from then on, before either
//!   document is served; a hold refused because the upstream's price differs
//!   ends the copy's prices at once ([`ShowHall::prices_outdated`]).
//!
//! Pure: time is an argument (unix milliseconds).

use std::collections::HashMap;

use ticket_contract::{availability_bits, AdmissionAvailability, Availability, HoldItem, Layout, Money};

use crate::cache_policy::{etag_for, DocumentKind};
use crate::errors::ProxyError;
use crate::free_places::FreePlaces;
use crate::provider::Hall;
use crate::single_flight::{ReadPlan, ReadPolicy, ReadTracker};

/// Seat changes older than this are no longer re-applied after a read (no
/// read takes that long: its time budget is seconds).
const REMEMBER_SEAT_CHANGES_MS: u64 = 60_000;

/// A seat a hold took or gave back, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SeatChange {
    at_ms: u64,
    seat_id: String,
    available: bool,
}

/// The current copy.
#[derive(Debug, Clone, PartialEq)]
struct CurrentHall {
    layout: Layout,
    /// The layout as served (JSON) and its ETag, made once per layout.
    layout_body: String,
    layout_etag: String,
    seat_index: HashMap<String, usize>,
    admission_index: HashMap<String, usize>,
    /// As the upstream has them (free places included).
    seats_available: Vec<bool>,
    admissions_left: Vec<u32>,
    /// The layout's places priced 0.
    free: FreePlaces,
    /// Unix seconds ([`Hall::prices_valid_until`]).
    prices_valid_until: Option<i64>,
}

/// What one show's owner knows of its hall.
#[derive(Debug, Clone, Default)]
pub struct ShowHall {
    current: Option<CurrentHall>,
    reads: ReadTracker,
    recent_seat_changes: Vec<SeatChange>,
    revision: u64,
    /// The availability document as last published (JSON): free places off sale.
    availability_body: Option<String>,
    /// The same with free places on sale, for partners that allow them; only
    /// for a hall that has free places.
    availability_with_free_body: Option<String>,
}

impl ShowHall {
    /// What a request for `kind` (layout or availability) gets at `now_ms`.
    pub fn plan(&self, kind: DocumentKind, now_ms: u64) -> ReadPlan {
        let policy = ReadPolicy::for_kind(kind).ending_at(self.reads.last_success_ms(), self.prices_valid_until_ms());
        self.reads.plan(self.current.is_some(), now_ms, &policy)
    }

    /// When the copy's prices stop being right (unix seconds), if they have an end.
    pub fn prices_valid_until(&self) -> Option<i64> {
        self.current.as_ref().and_then(|current| current.prices_valid_until)
    }

    fn prices_valid_until_ms(&self) -> Option<u64> {
        self.prices_valid_until().map(|until| u64::try_from(until).unwrap_or(0).saturating_mul(1_000))
    }

    /// The upstream priced a hold differently from this copy: its prices end
    /// now, so the next request reads the hall again.
    pub fn prices_outdated(&mut self, now_ms: u64) {
        if let Some(current) = &mut self.current {
            let now = i64::try_from(now_ms / 1_000).unwrap_or(i64::MAX);
            current.prices_valid_until = Some(current.prices_valid_until.map_or(now, |until| until.min(now)));
        }
    }

    /// Whether a poll at `now_ms` should read the upstream: the copy is older
    /// than `interval_ms`, no read is under way, and the upstream is not in
    /// its pause after a failure.
    pub fn poll_due(&self, now_ms: u64, interval_ms: u64) -> bool {
        let policy = ReadPolicy { fresh_for_ms: interval_ms, ..ReadPolicy::for_kind(DocumentKind::Availability) };
        matches!(self.reads.plan(self.current.is_some(), now_ms, &policy), ReadPlan::Read | ReadPlan::ServeAndRead)
    }

    /// A read starts; false if one is already under way (never two).
    pub fn start_read(&mut self, now_ms: u64) -> bool {
        self.reads.start(now_ms)
    }

    pub fn is_reading(&self) -> bool {
        self.reads.is_reading()
    }

    /// The read under way returned `hall`. Returns whether the availability
    /// viewers see changed (then publish [`ShowHall::availability`]).
    pub fn read_succeeded(&mut self, hall: Hall, now_ms: u64) -> bool {
        let started_ms = self.reads.reading_since_ms().unwrap_or(now_ms);
        let was_failing = self.reads.is_failing();
        self.reads.succeeded();
        let Some(mut read) = CurrentHall::from_hall(hall, self.current.as_ref()) else {
            // Unreadable bits: treat as a failed read, keep nothing half-made.
            self.reads.failed(now_ms, ProxyError::UpstreamBadResponse { what: "availability bits".into() });
            return was_failing != self.reads.is_failing();
        };
        self.recent_seat_changes.retain(|change| now_ms.saturating_sub(change.at_ms) < REMEMBER_SEAT_CHANGES_MS);
        for change in self.recent_seat_changes.iter().filter(|change| change.at_ms >= started_ms) {
            read.set_seat(&change.seat_id, change.available);
        }
        let changed = was_failing || self.current.as_ref().is_none_or(|current| !current.same_availability(&read));
        self.current = Some(read);
        if changed {
            self.publish(now_ms);
        }
        changed
    }

    /// The read under way failed. Returns whether viewers should hear of it
    /// (the copy they have just became stale).
    pub fn read_failed(&mut self, error: ProxyError, now_ms: u64) -> bool {
        let was_failing = self.reads.is_failing();
        self.reads.failed(now_ms, error);
        let newly_stale = !was_failing && self.current.is_some();
        if newly_stale {
            self.publish(now_ms);
        }
        newly_stale
    }

    /// Whether the owner has a copy (in memory).
    pub fn has_copy(&self) -> bool {
        self.current.is_some()
    }

    /// After a failed read with no copy in memory (the owner was evicted):
    /// brings back the last good copy, read at `read_at_ms` and kept in
    /// storage, served as stale. Returns whether it was usable.
    pub fn restore_last_good(&mut self, hall: Hall, read_at_ms: u64, error: ProxyError, now_ms: u64) -> bool {
        if self.current.is_some() {
            return false;
        }
        let Some(restored) = CurrentHall::from_hall(hall, None) else { return false };
        self.current = Some(restored);
        self.reads.restored(read_at_ms, now_ms, error);
        self.publish(now_ms);
        true
    }

    /// A hold kept `before` off sale and keeps `after` now. Returns whether
    /// the availability viewers see changed.
    pub fn apply_hold_change(&mut self, before: &[HoldItem], after: &[HoldItem], now_ms: u64) -> bool {
        let mut changes = Vec::new();
        let seats = |items: &[HoldItem]| -> Vec<String> {
            items
                .iter()
                .filter_map(|item| match item {
                    HoldItem::Seat { seat_id, .. } => Some(seat_id.clone()),
                    HoldItem::Admission { .. } => None,
                })
                .collect()
        };
        let (seats_before, seats_after) = (seats(before), seats(after));
        changes.extend(seats_after.iter().filter(|seat| !seats_before.contains(seat)).map(|seat| (seat.clone(), false)));
        changes.extend(seats_before.iter().filter(|seat| !seats_after.contains(seat)).map(|seat| (seat.clone(), true)));
        for (seat_id, available) in &changes {
            self.recent_seat_changes.push(SeatChange { at_ms: now_ms, seat_id: seat_id.clone(), available: *available });
        }
        let Some(current) = &mut self.current else { return false };
        let mut changed = false;
        for (seat_id, available) in &changes {
            changed |= current.set_seat(seat_id, *available);
        }
        let mut quantities: HashMap<&str, i64> = HashMap::new();
        for (items, sign) in [(before, 1i64), (after, -1i64)] {
            for item in items {
                if let HoldItem::Admission { admission_id, quantity, .. } = item {
                    *quantities.entry(admission_id.as_str()).or_insert(0) += sign * i64::from(*quantity);
                }
            }
        }
        for (admission_id, freed) in quantities {
            changed |= current.add_admission_places(admission_id, freed);
        }
        if changed {
            self.publish(now_ms);
        }
        changed
    }

    /// The layout as served (JSON) and its ETag, when there is a copy.
    pub fn layout_document(&self) -> Option<(&str, &str)> {
        self.current.as_ref().map(|current| (current.layout_body.as_str(), current.layout_etag.as_str()))
    }

    pub fn layout(&self) -> Option<&Layout> {
        self.current.as_ref().map(|current| &current.layout)
    }

    /// The availability document as last published (JSON) for a partner
    /// that does (`free_seats_allowed`) or does not allow free places, when
    /// there is a copy. The same document for both when the hall has none.
    pub fn availability_document(&self, free_seats_allowed: bool) -> Option<&str> {
        match &self.availability_with_free_body {
            Some(body) if free_seats_allowed => Some(body),
            _ => self.availability_body.as_deref(),
        }
    }

    /// Whether the hall has places priced 0 (two availability documents).
    pub fn has_free_places(&self) -> bool {
        self.current.as_ref().is_some_and(|current| current.free.any())
    }

    /// The availability viewers see now: with free places on sale only for
    /// a partner that allows them. `availability(true)` is the upstream's
    /// whole truth (what is kept as the last good copy).
    pub fn availability(&self, free_seats_allowed: bool) -> Option<Availability> {
        let current = self.current.as_ref()?;
        let mut seats_available = current.seats_available.clone();
        let mut admissions_left = current.admissions_left.clone();
        if !free_seats_allowed {
            current.free.take_off_sale(&mut seats_available, &mut admissions_left);
        }
        Some(Availability {
            event_id: current.layout.event_id.clone(),
            show_id: current.layout.show_id.clone(),
            layout_version: current.layout.version.clone(),
            seats_available: availability_bits::encode(&seats_available),
            admissions: current
                .layout
                .admissions
                .iter()
                .zip(&admissions_left)
                .map(|(admission, &quantity_left)| AdmissionAvailability { id: admission.id.clone(), quantity_left })
                .collect(),
            revision: self.revision,
            stale: self.reads.is_failing(),
        })
    }

    /// The cheapest place a buyer can take now (the catalogue's "from N ₽").
    pub fn lowest_price_on_sale(&self) -> Option<Money> {
        let current = self.current.as_ref()?;
        let seats =
            current.layout.seats.iter().zip(&current.seats_available).filter(|(_, free)| **free).map(|(seat, _)| seat.price);
        let admissions = current.layout.admissions.iter().zip(&current.admissions_left).filter(|(_, left)| **left > 0);
        seats.chain(admissions.map(|(admission, _)| admission.price)).filter(|price| price.minor > 0).min()
    }

    /// When the last good copy was read (unix ms), if there is one.
    pub fn read_at_ms(&self) -> Option<u64> {
        self.current.as_ref().and(self.reads.last_success_ms())
    }

    fn publish(&mut self, now_ms: u64) {
        self.revision = now_ms.max(self.revision + 1);
        let body =
            |availability: Option<Availability>| availability.and_then(|availability| serde_json::to_string(&availability).ok());
        self.availability_body = body(self.availability(false));
        self.availability_with_free_body = if self.has_free_places() { body(self.availability(true)) } else { None };
    }
}

impl CurrentHall {
    /// The hall of a read; the layout's JSON is made again only when the
    /// layout changed.
    fn from_hall(hall: Hall, previous: Option<&CurrentHall>) -> Option<CurrentHall> {
        let Hall { layout, availability, prices_valid_until, .. } = hall;
        let (seats_available, admissions_left) = availability.for_layout(&layout)?;
        let (layout_body, layout_etag) = match previous {
            Some(previous) if previous.layout == layout => (previous.layout_body.clone(), previous.layout_etag.clone()),
            _ => {
                let body = serde_json::to_string(&layout).ok()?;
                let etag = etag_for(body.as_bytes());
                (body, etag)
            }
        };
        let seat_index = layout.seats.iter().enumerate().map(|(index, seat)| (seat.id.clone(), index)).collect();
        let admission_index =
            layout.admissions.iter().enumerate().map(|(index, admission)| (admission.id.clone(), index)).collect();
        let free = FreePlaces::of(&layout);
        Some(CurrentHall {
            layout,
            layout_body,
            layout_etag,
            seat_index,
            admission_index,
            seats_available,
            admissions_left,
            free,
            prices_valid_until,
        })
    }

    /// Returns whether the seat's state changed.
    fn set_seat(&mut self, seat_id: &str, available: bool) -> bool {
        let Some(&index) = self.seat_index.get(seat_id) else { return false };
        let flag = &mut self.seats_available[index];
        let changed = *flag != available;
        *flag = available;
        changed
    }

    /// Adds `places` (negative: takes) to an admission's count, never below 0.
    fn add_admission_places(&mut self, admission_id: &str, places: i64) -> bool {
        let Some(&index) = self.admission_index.get(admission_id) else { return false };
        let left = &mut self.admissions_left[index];
        let new_left = (i64::from(*left) + places).clamp(0, i64::from(u32::MAX)) as u32;
        let changed = new_left != *left;
        *left = new_left;
        changed
    }

    fn same_availability(&self, other: &CurrentHall) -> bool {
        self.layout.version == other.layout.version
            && self.seats_available == other.seats_available
            && self.admissions_left == other.admissions_left
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{Admission, Geometry, Seat, Zone};

    fn layout() -> Layout {
        let price = Money::rub_minor(100_000);
        Layout {
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            version: "v1".into(),
            width: 10.0,
            height: 10.0,
            geometry: Geometry::Upstream,
            zones: vec![Zone { id: "z".into(), name: "Партер".into(), price_min: price, price_max: price }],
            seats: ["a", "b", "c"]
                .iter()
                .map(|id| Seat { id: (*id).into(), zone: 0, row: "1".into(), place: (*id).into(), x: 0.0, y: 0.0, price })
                .collect(),
            admissions: vec![Admission { id: "ga".into(), zone: 0, price: Money::rub_minor(50_000) }],
            labels: Vec::new(),
            accepts_promocodes: false,
        }
    }

    fn hall(seats: [bool; 3], ga_left: u32) -> Hall {
        Hall {
            layout: layout(),
            availability: Availability {
                event_id: "qt:1001".into(),
                show_id: "2001".into(),
                layout_version: "v1".into(),
                seats_available: availability_bits::encode(&seats),
                admissions: vec![AdmissionAvailability { id: "ga".into(), quantity_left: ga_left }],
                revision: 0,
                stale: false,
            },
            upstream_version: None,
            prices_valid_until: None,
        }
    }

    fn seat(id: &str) -> HoldItem {
        HoldItem::Seat {
            seat_id: id.into(),
            zone_name: "Партер".into(),
            row: "1".into(),
            place: id.into(),
            price: Money::rub_minor(100_000),
        }
    }

    fn admission(quantity: u32) -> HoldItem {
        HoldItem::Admission {
            admission_id: "ga".into(),
            zone_name: "Партер".into(),
            quantity,
            unit_price: Money::rub_minor(50_000),
        }
    }

    fn flags(show: &ShowHall) -> (Vec<bool>, u32) {
        let availability = show.availability(false).unwrap();
        (availability_bits::decode(&availability.seats_available, 3).unwrap(), availability.admissions[0].quantity_left)
    }

    fn read(show: &mut ShowHall, started_ms: u64, finished_ms: u64, hall: Hall) -> bool {
        assert!(show.start_read(started_ms));
        show.read_succeeded(hall, finished_ms)
    }

    #[test]
    fn reads_publish_only_what_changed() {
        let mut show = ShowHall::default();
        assert_eq!(show.plan(DocumentKind::Availability, 0), ReadPlan::Read);
        assert!(read(&mut show, 0, 100, hall([true, true, false], 5)));
        let first = show.availability(false).unwrap();
        assert_eq!(first.revision, 100);
        assert_eq!(show.availability_document(false), Some(serde_json::to_string(&first).unwrap().as_str()));
        assert!(!read(&mut show, 6_000, 6_100, hall([true, true, false], 5)), "nothing changed");
        assert_eq!(show.availability(false).unwrap().revision, 100, "the revision moves only on change");
        assert!(read(&mut show, 12_000, 12_100, hall([false, true, false], 5)), "sold upstream");
        assert_eq!(show.availability(false).unwrap().revision, 12_100);
        assert_eq!(flags(&show), (vec![false, true, false], 5));
    }

    #[test]
    fn holds_apply_at_once_and_survive_a_read_that_started_before_them() {
        let mut show = ShowHall::default();
        read(&mut show, 0, 100, hall([true, true, true], 5));
        assert!(show.apply_hold_change(&[], &[seat("b"), admission(2)], 1_000));
        assert_eq!(flags(&show), (vec![true, false, true], 3));
        let revision = show.availability(false).unwrap().revision;
        assert_eq!(revision, 1_000);
        // A poll that started before the hold returns the hall without it.
        assert!(show.start_read(900));
        assert!(!show.read_succeeded(hall([true, true, true], 3), 1_200), "the hold's seat stays taken");
        assert_eq!(flags(&show).0, vec![true, false, true]);
        // The hold is released: the seat is back at once, and a later read agrees.
        assert!(show.apply_hold_change(&[seat("b"), admission(2)], &[], 2_000));
        assert_eq!(flags(&show), (vec![true, true, true], 5));
        assert!(show.availability(false).unwrap().revision > revision);
        assert!(!read(&mut show, 3_000, 3_100, hall([true, true, true], 5)));
        // A change of hold (seat b → c) is one publication.
        assert!(show.apply_hold_change(&[seat("b")], &[seat("c")], 4_000));
        assert_eq!(flags(&show).0, vec![true, true, false]);
        // Confirming changes nothing a viewer sees.
        assert!(!show.apply_hold_change(&[seat("c")], &[seat("c")], 5_000));
        // Unknown seats (another layout) are ignored.
        assert!(!show.apply_hold_change(&[], &[seat("zz")], 5_000));
    }

    #[test]
    fn a_failing_upstream_flags_the_last_good_copy() {
        let mut show = ShowHall::default();
        read(&mut show, 0, 100, hall([true, false, true], 5));
        assert!(show.start_read(40_000));
        assert!(show.read_failed(ProxyError::UpstreamTimeout, 48_000), "viewers hear that it went stale");
        let stale = show.availability(false).unwrap();
        assert!(stale.stale);
        assert_eq!(show.plan(DocumentKind::Availability, 49_000), ReadPlan::Serve, "served, not re-read at once");
        assert_eq!(show.plan(DocumentKind::Availability, 51_000), ReadPlan::ServeAndRead);
        assert!(show.start_read(51_000));
        assert!(!show.read_failed(ProxyError::UpstreamTimeout, 52_000), "still stale: nothing new to say");
        assert!(read(&mut show, 60_000, 60_100, hall([true, false, true], 5)), "fresh again: said once");
        assert!(!show.availability(false).unwrap().stale);
        // Without any copy a failure is no publication.
        let mut empty = ShowHall::default();
        assert!(empty.start_read(0));
        assert!(!empty.read_failed(ProxyError::UpstreamUnavailable, 10));
        assert_eq!(empty.availability(false), None);
    }

    #[test]
    fn the_last_good_copy_comes_back_from_storage_flagged_stale() {
        let mut show = ShowHall::default();
        assert!(show.start_read(50_000));
        assert!(!show.read_failed(ProxyError::UpstreamTimeout, 53_000), "nothing to publish yet");
        assert!(show.restore_last_good(hall([true, false, true], 2), 10_000, ProxyError::UpstreamTimeout, 53_000));
        let availability = show.availability(false).unwrap();
        assert!(availability.stale);
        assert_eq!(flags(&show), (vec![true, false, true], 2));
        assert_eq!(show.read_at_ms(), Some(10_000));
        assert_eq!(show.plan(DocumentKind::Availability, 54_000), ReadPlan::Serve, "served during the pause");
        assert_eq!(show.plan(DocumentKind::Availability, 56_000), ReadPlan::ServeAndRead);
        // Never over a copy in memory.
        assert!(!show.restore_last_good(hall([false, false, false], 0), 1, ProxyError::UpstreamTimeout, 57_000));
        assert_eq!(flags(&show).0, vec![true, false, true]);
    }

    #[test]
    fn prices_with_an_end_are_read_again_there_and_when_outdated() {
        let mut show = ShowHall::default();
        let mut priced = hall([true, true, true], 5);
        priced.prices_valid_until = Some(100);
        read(&mut show, 10_000, 10_100, priced);
        assert_eq!(show.prices_valid_until(), Some(100));
        assert_eq!(show.plan(DocumentKind::Layout, 99_999), ReadPlan::Serve, "a layout is kept until the rule's end");
        assert_eq!(show.plan(DocumentKind::Layout, 100_000), ReadPlan::Read, "not a moment past it");
        assert_eq!(show.plan(DocumentKind::Availability, 100_000), ReadPlan::Read);

        // The upstream priced a hold differently: outdated now.
        let mut show = ShowHall::default();
        read(&mut show, 0, 100, hall([true, true, true], 5));
        assert_eq!(show.plan(DocumentKind::Layout, 2_000), ReadPlan::Serve);
        show.prices_outdated(2_000);
        assert_eq!(show.prices_valid_until(), Some(2));
        assert_eq!(show.plan(DocumentKind::Layout, 2_000), ReadPlan::Read);
        assert!(show.start_read(2_000));
        show.read_succeeded(hall([true, true, true], 5), 2_100);
        assert_eq!(show.plan(DocumentKind::Layout, 3_000), ReadPlan::Serve, "a new read brings its own prices");
    }

    #[test]
    fn polls_only_when_the_copy_is_older_than_the_interval() {
        let mut show = ShowHall::default();
        assert!(show.poll_due(0, 5_000));
        read(&mut show, 0, 100, hall([true, true, true], 5));
        assert!(!show.poll_due(4_999, 5_000));
        assert!(show.poll_due(5_000, 5_000));
        assert!(show.start_read(5_000));
        assert!(!show.poll_due(9_000, 1_000), "one read at a time");
    }

    /// The test hall with seat `c` and the admission priced 0 (free).
    fn hall_with_free_places(seats: [bool; 3], ga_left: u32) -> Hall {
        let mut hall = hall(seats, ga_left);
        hall.layout.seats[2].price = Money::rub_minor(0);
        hall.layout.admissions[0].price = Money::rub_minor(0);
        hall
    }

    fn decoded(document: &str) -> (Vec<bool>, u32) {
        let availability: Availability = serde_json::from_str(document).unwrap();
        (availability_bits::decode(&availability.seats_available, 3).unwrap(), availability.admissions[0].quantity_left)
    }

    #[test]
    fn free_places_are_published_on_sale_only_in_the_second_document() {
        let mut show = ShowHall::default();
        read(&mut show, 0, 100, hall([true, true, true], 5));
        assert!(!show.has_free_places());
        assert_eq!(show.availability_document(true), show.availability_document(false), "one document without free places");

        let mut show = ShowHall::default();
        read(&mut show, 0, 100, hall_with_free_places([true, false, true], 5));
        assert!(show.has_free_places());
        assert_eq!(decoded(show.availability_document(false).unwrap()), (vec![true, false, false], 0), "free places off sale");
        assert_eq!(decoded(show.availability_document(true).unwrap()), (vec![true, false, true], 5), "the upstream's truth");
        // A partner that allows free places holds one: both documents follow.
        assert!(show.apply_hold_change(&[], &[seat("c"), admission(2)], 1_000));
        assert_eq!(decoded(show.availability_document(true).unwrap()), (vec![true, false, false], 3));
        assert_eq!(decoded(show.availability_document(false).unwrap()), (vec![true, false, false], 0));
        let revision =
            |free: bool| serde_json::from_str::<Availability>(show.availability_document(free).unwrap()).unwrap().revision;
        assert_eq!((revision(false), revision(true)), (1_000, 1_000), "one revision for both");
        // Free places are never the catalogue's "from".
        assert_eq!(show.lowest_price_on_sale(), Some(Money::rub_minor(100_000)));
        // What is kept as the last good copy is the whole truth.
        assert_eq!(show.availability(true).unwrap().admissions[0].quantity_left, 3);
    }

    #[test]
    fn lowest_price_counts_only_what_is_on_sale() {
        let mut show = ShowHall::default();
        assert_eq!(show.lowest_price_on_sale(), None);
        read(&mut show, 0, 1, hall([false, false, false], 1));
        assert_eq!(show.lowest_price_on_sale(), Some(Money::rub_minor(50_000)));
        show.apply_hold_change(&[], &[admission(1)], 2);
        assert_eq!(show.lowest_price_on_sale(), None);
        assert!(show.layout_document().unwrap().0.contains("\"version\":\"v1\""));
    }
}
