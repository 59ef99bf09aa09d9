//! Places the upstream prices at 0: who may sell them, and where that is
//! decided.
//!
//! QTickets' own example of `events/seats` has whole zones ("Supervip right",
//! "VIP right 2") `available: true` at `price: 0`, and a TicketsCloud set can
//! be priced `"0.00"`. Sold as they come, such a seat would be held for 0 ₽
//! and a confirm would mark it paid. So a place priced 0 (a *free* place) is
//! not for sale through the proxy unless the partner's record says
//! `free_seats_allowed: true`; then it is on sale to that partner's buyers
//! and the widget shows it as "free". A place the upstream gives no price at
//! all is never on sale, for anyone (`qtickets::seating` lists it at 0 and
//! not available; `ticketscloud::seating` leaves an unpriced set out).
//!
//! Where the decision is made, and why there:
//! - **The layout is shared.** It carries every place with its price (0 for a
//!   free one) and is the same for every partner: it is large, cached for an
//!   hour per data centre, and prices are not a secret.
//! - **The availability is shaped per partner by the show's owner.** The
//!   owner (`show_hall`) keeps the upstream's truth and publishes two
//!   documents from it: the usual one, in which free places are not on sale
//!   (what every partner gets, every edge cache entry under the usual key,
//!   every ordinary live feed), and, only for a hall that has free places, a
//!   second one with them on sale, for partners that allow them (its own
//!   edge-cache key, its own live-feed tag). Both are made once per change
//!   by the one owner, rather than per request by the Worker: the live feed
//!   pushes one text to thousands of sockets, and the edge cache keeps whole
//!   documents it never reads. A hall without free places has one document.
//! - **A hold is checked against the layout's prices** ([`refuse_free_items`]
//!   in `holds::validation::items_for`, for create and change, and again
//!   before a confirm), so a request crafted past the widget cannot hold or
//!   confirm a free place for a partner that does not allow them.

use ticket_contract::{HoldItem, Layout, Money};

use crate::errors::ProxyError;
use crate::holds::record::item_id;

/// Whether a price makes a place free (the upstream's 0).
pub fn is_free(price: Money) -> bool {
    price.minor == 0
}

/// Whether an item of a hold is a free place (a seat, or admission places,
/// priced 0).
pub fn is_free_item(item: &HoldItem) -> bool {
    match item {
        HoldItem::Seat { price, .. } => is_free(*price),
        HoldItem::Admission { unit_price, .. } => is_free(*unit_price),
    }
}

/// `seat_not_for_sale` naming every free item, unless the partner allows them.
pub fn refuse_free_items(items: &[HoldItem], free_seats_allowed: bool) -> Result<(), ProxyError> {
    if free_seats_allowed {
        return Ok(());
    }
    let ids: Vec<String> = items.iter().filter(|item| is_free_item(item)).map(|item| item_id(item).to_string()).collect();
    if ids.is_empty() {
        Ok(())
    } else {
        Err(ProxyError::SeatNotForSale { ids })
    }
}

/// Which of a layout's places are free: one flag per seat (layout order) and
/// one per admission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FreePlaces {
    pub seats: Vec<bool>,
    pub admissions: Vec<bool>,
}

impl FreePlaces {
    pub fn of(layout: &Layout) -> FreePlaces {
        FreePlaces {
            seats: layout.seats.iter().map(|seat| is_free(seat.price)).collect(),
            admissions: layout.admissions.iter().map(|admission| is_free(admission.price)).collect(),
        }
    }

    /// Whether the layout has any free place (then the owner publishes a
    /// second availability document).
    pub fn any(&self) -> bool {
        self.seats.iter().chain(&self.admissions).any(|free| *free)
    }

    /// The upstream's availability as a partner that does not allow free
    /// places sees it: free seats not available, free admissions with 0 left.
    /// Both slices are in layout order; a flag or count with no layout entry
    /// is left as it is.
    pub fn take_off_sale(&self, seats_available: &mut [bool], admissions_left: &mut [u32]) {
        for (available, free) in seats_available.iter_mut().zip(&self.seats) {
            *available &= !free;
        }
        for (left, free) in admissions_left.iter_mut().zip(&self.admissions) {
            if *free {
                *left = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{fixtures, Zone};

    fn layout() -> Layout {
        let seat = |id: &str, price: i64| fixtures::seat(id, 0, "1", id, (0.0, 0.0), price);
        let zone = Zone { price_max: Money::rub_minor(1), ..fixtures::zone("z", "Z", 0) };
        Layout {
            event_id: "qt:1001".into(),
            show_id: "2001".into(),
            version: "v".into(),
            admissions: vec![fixtures::admission("ga", 0, 50_000), fixtures::admission("ga-free", 0, 0)],
            ..fixtures::layout(vec![zone], vec![seat("paid", 150_000), seat("free", 0), seat("cheap", 1)])
        }
    }

    #[test]
    fn free_places_go_off_sale_and_only_they() {
        let free = FreePlaces::of(&layout());
        assert_eq!(free.seats, [false, true, false]);
        assert_eq!(free.admissions, [false, true]);
        assert!(free.any());
        let mut seats = vec![true, true, false];
        let mut admissions = vec![7, 9];
        free.take_off_sale(&mut seats, &mut admissions);
        assert_eq!((seats, admissions), (vec![true, false, false], vec![7, 0]));
        let mut priced = layout();
        priced.seats.retain(|seat| seat.id != "free");
        priced.admissions.retain(|admission| admission.id != "ga-free");
        assert!(!FreePlaces::of(&priced).any());
    }

    #[test]
    fn holds_of_free_places_are_refused_unless_allowed() {
        let seat = |id: &str, price: i64| HoldItem::Seat {
            seat_id: id.into(),
            zone_name: "Supervip".into(),
            row: "1".into(),
            place: "3".into(),
            price: Money::rub_minor(price),
        };
        let admission = |id: &str, price: i64| HoldItem::Admission {
            admission_id: id.into(),
            zone_name: "Танцпол".into(),
            quantity: 2,
            unit_price: Money::rub_minor(price),
        };
        let items = vec![seat("1-1;1", 500_000), seat("7-1;3", 0), admission("ga", 0), admission("ga-paid", 100)];
        assert_eq!(refuse_free_items(&items, false), Err(ProxyError::SeatNotForSale { ids: vec!["7-1;3".into(), "ga".into()] }));
        assert_eq!(refuse_free_items(&items, true), Ok(()));
        assert_eq!(refuse_free_items(&items[..1], false), Ok(()));
        assert_eq!(refuse_free_items(&[], false), Ok(()));
    }
}
