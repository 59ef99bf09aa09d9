//! How long a hold shows its buyer and tickets, and how long it is kept:
//! the end of a hold (paid, released, expired), the partner's details
//! window for public-key reads (`public_view`), and the deletion of the
//! record after its retention (`delete_at`, `wake_at`) — never while a
//! command or a paid hold's follow-up is still under way.

use ticket_contract::{HoldState, IssuedTicket, RefundState};
use ticket_core::holds::{self, public_view, view, FollowUp, HoldCommand, HoldRecord};

use super::holds_qtickets::held_qtickets;
use super::holds_script::*;

const DAY: i64 = 24 * 3600;

/// A hold with a buyer, in `state`, that ended (if it did) at `ended_at`.
fn hold_in(state: HoldState, ended_at: Option<i64>) -> HoldRecord {
    let mut record = with_state(held_qtickets(), state, NOW + HOLD_SECONDS);
    record.buyer = Some(buyer());
    if state == HoldState::Confirmed {
        record.tickets = vec![IssuedTicket {
            item_id: "1-1;1".into(),
            zone_name: "Партер VIP".into(),
            barcode: "2000000270616".into(),
            ..IssuedTicket::default()
        }];
    }
    record.ended_at = ended_at;
    record
}

#[test]
fn a_hold_ends_when_paid_released_or_at_its_expiry() {
    let expiry = NOW + HOLD_SECONDS;
    // (record, read at, the end seen then)
    let cases: &[(HoldRecord, i64, Option<i64>)] = &[
        (hold_in(HoldState::Held, None), NOW, None),
        (hold_in(HoldState::Held, None), expiry - 1, None),
        // Past its expiry before the alarm has run: ended at the expiry.
        (hold_in(HoldState::Held, None), expiry + 50, Some(expiry)),
        (hold_in(HoldState::Confirmed, Some(NOW + 100)), NOW + 200, Some(NOW + 100)),
        (hold_in(HoldState::Released, Some(NOW + 30)), NOW + 40, Some(NOW + 30)),
        // The alarm wrote it down late: the hold still ended at its expiry.
        (hold_in(HoldState::Expired, Some(expiry + 90)), expiry + 100, Some(expiry)),
        // Records from before the end was kept count from their expiry.
        (hold_in(HoldState::Confirmed, None), NOW + 200, Some(expiry)),
        (hold_in(HoldState::Released, None), NOW + 200, Some(expiry)),
    ];
    for (record, now, expected) in cases {
        assert_eq!(record.ended_at(*now), *expected, "{:?} {:?} at {now}", record.state, record.ended_at);
    }
}

#[test]
fn the_end_is_written_down_once_by_the_command_that_ends_the_hold() {
    let cases: &[(HoldState, Option<i64>)] = &[
        (HoldState::Held, None),
        (HoldState::Confirmed, Some(NOW + 100)),
        (HoldState::Released, Some(NOW + 100)),
        (HoldState::Expired, Some(NOW + HOLD_SECONDS)),
    ];
    for &(state, expected) in cases {
        let mut record = hold_in(state, None);
        assert_eq!(record.note_end(NOW + 100), expected.is_some(), "{state:?}");
        assert_eq!(record.ended_at, expected, "{state:?}");
        assert!(!record.note_end(NOW + 500), "{state:?}: written once");
        assert_eq!(record.ended_at, expected, "{state:?}: not moved by a later command");
    }
    // Through the glue's `finish`: a repeated confirm of a paid hold whose
    // end was never written down writes it; a change of a held one does not.
    let paid = hold_in(HoldState::Confirmed, None);
    let again = holds::begin(Some(paid), HoldCommand::Confirm, NOW + 300, &settings()).unwrap();
    assert_eq!(holds::finish(again, NOW + 300).record.unwrap().ended_at, Some(NOW + 300));
    let held = hold_in(HoldState::Held, None);
    let nothing = holds::begin(Some(held), HoldCommand::Change { items: None, buyer: None }, NOW + 5, &settings()).unwrap();
    assert_eq!(holds::finish(nothing, NOW + 5).record.unwrap().ended_at, None);
}

#[test]
fn a_public_key_sees_buyer_and_tickets_only_within_the_details_window() {
    let ended = NOW + 100;
    let mut refunded = hold_in(HoldState::Confirmed, Some(ended));
    refunded.refund = Some(holds::RefundRecord {
        state: RefundState::Requested,
        tickets: vec!["2000000270616".into()],
        requested_at: ended + 10,
        upstream: holds::record::TicketscloudRefundRef { refund_id: None, order_id: "o".into(), ticket_ids: vec![] },
    });
    // (record, details window, read at, details shown)
    let cases: &[(HoldRecord, i64, i64, bool)] = &[
        (hold_in(HoldState::Held, None), 0, NOW + 5, true),
        (hold_in(HoldState::Held, None), DAY, NOW + 5, true),
        (hold_in(HoldState::Confirmed, Some(ended)), DAY, ended, true),
        (hold_in(HoldState::Confirmed, Some(ended)), DAY, ended + DAY - 1, true),
        (hold_in(HoldState::Confirmed, Some(ended)), DAY, ended + DAY, false),
        (hold_in(HoldState::Confirmed, Some(ended)), 0, ended, false),
        (hold_in(HoldState::Confirmed, Some(ended)), 2, ended + 1, true),
        (hold_in(HoldState::Confirmed, Some(ended)), 2, ended + 2, false),
        (hold_in(HoldState::Released, Some(ended)), 60, ended + 61, false),
        // A held hold past its expiry counts from the expiry.
        (hold_in(HoldState::Held, None), 60, NOW + HOLD_SECONDS + 59, true),
        (hold_in(HoldState::Held, None), 60, NOW + HOLD_SECONDS + 60, false),
        (refunded.clone(), DAY, ended + DAY - 1, true),
        (refunded, DAY, ended + DAY, false),
    ];
    for (record, window, now, shown) in cases {
        let full = view(record, *now);
        let public = public_view(record, *now, *window);
        let what = format!("{:?} ended {:?}, window {window}, at {now}", record.state, record.ended_at);
        if *shown {
            assert_eq!(public, full, "{what}");
            assert!(!public.details_withheld, "{what}");
            continue;
        }
        assert!(public.details_withheld, "{what}");
        assert_eq!((public.buyer.as_ref(), public.tickets.len()), (None, 0), "{what}");
        assert!(public.refund.as_ref().is_none_or(|refund| refund.tickets.is_empty()), "{what}");
        assert_eq!(public.refund.as_ref().map(|refund| refund.state), full.refund.as_ref().map(|refund| refund.state));
        // The state and what was bought stay.
        assert_eq!((&public.id, public.state, &public.items, public.total), (&full.id, full.state, &full.items, full.total));
        // The withheld view does not name the buyer anywhere.
        let text = serde_json::to_string(&public).unwrap();
        assert!(!text.contains("ivan@example.ru") && !text.contains("2000000270616"), "{what}: {text}");
        assert!(text.contains(r#""details_withheld":true"#), "{text}");
    }
}

#[test]
fn records_are_deleted_after_their_retention_never_mid_command() {
    let ended = NOW + 100;
    let retention = RETENTION_SECONDS;
    let confirmed = hold_in(HoldState::Confirmed, Some(ended));
    assert_eq!(confirmed.retention_seconds, Some(retention), "a new hold keeps its partner's retention");
    assert_eq!(confirmed.delete_at(), Some(ended + retention));
    assert_eq!(confirmed.wake_at(), Some(ended + retention), "the alarm is set for the deletion");
    assert!(!confirmed.is_due_for_deletion(ended + retention - 1));
    assert!(confirmed.is_due_for_deletion(ended + retention));

    let expired = hold_in(HoldState::Expired, Some(NOW + HOLD_SECONDS + 40));
    assert_eq!(expired.delete_at(), Some(NOW + HOLD_SECONDS + retention), "from the expiry");

    let mut older = hold_in(HoldState::Released, None);
    older.retention_seconds = None;
    assert_eq!(older.delete_at(), Some(NOW + HOLD_SECONDS + holds::DEFAULT_RETENTION_SECONDS), "older records: 90 days");
    assert_eq!(holds::DEFAULT_RETENTION_SECONDS, 90 * DAY);

    // Held: the alarm is the expiry, no deletion.
    let held = hold_in(HoldState::Held, None);
    assert_eq!((held.delete_at(), held.wake_at()), (None, Some(NOW + HOLD_SECONDS)));
    // A paid hold still waiting for its barcodes or a refund: the follow-up first.
    let mut waiting = confirmed.clone();
    waiting.follow_up = Some(FollowUp { at: ended + retention + 5, attempts: 3 });
    assert_eq!(waiting.delete_at(), None);
    assert_eq!(waiting.wake_at(), Some(ended + retention + 5));
    assert!(!waiting.is_due_for_deletion(ended + 10 * retention));
    // A command under way (a confirm being completed): never deleted under it.
    let mut journaled = confirmed.clone();
    journaled.journal =
        Some(holds::CommandJournal::new(holds::JournaledCommand::Confirm, ended, &holds::CommandBudget::default()));
    assert_eq!(journaled.delete_at(), None);
    assert!(!journaled.is_due_for_deletion(ended + 10 * retention));
    assert_eq!(journaled.wake_at(), journaled.alarm_at());
}

#[test]
fn records_keep_their_end_and_retention_through_storage_and_older_ones_still_load() {
    let mut record = hold_in(HoldState::Confirmed, Some(NOW + 100));
    record.retention_seconds = Some(600);
    let text = serde_json::to_string(&record).unwrap();
    assert_eq!(serde_json::from_str::<HoldRecord>(&text).unwrap(), record);
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let object = value.as_object_mut().unwrap();
    object.remove("ended_at");
    object.remove("retention_seconds");
    let older: HoldRecord = serde_json::from_value(value).unwrap();
    assert_eq!((older.ended_at, older.retention_seconds), (None, None));
}
