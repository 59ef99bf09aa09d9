//! TicketsCloud `/v1/services/simple/events` fixtures → contract events: UTC
//! `VEVENT` starts in the venue's zone, prices from sets, non-public and
//! unusable events skipped, paging until an empty page, embedded and
//! normalised listings alike.

use ticket_core::ticketscloud::catalogue::parse_events_page;
use ticket_core::ProviderAdapter;

use super::support::{adapters, describe_event, ok};

#[test]
fn event_listings_become_events_with_one_show() {
    let cases: &[(&str, &[&str])] = &[
        (
            // The document's example: 21:20 UTC is 00:20 the next day in Moscow;
            // the city has no `ru`/`default`/`en` name, so any language is used.
            "ticketscloud/events_doc_example.json",
            &["tc:5d31fbdd27649b0dff076117 | 1234567890 | Государственный Кремлевский Дворец, ул. Воздвиженка, д.1, Moskou (Europe/Moscow) | 5d31fbdd27649b0dff076117=2019-08-16T00:20:00+03:00 | from 104.00"],
        ),
        (
            "ticketscloud/events_seated_and_odd.json",
            &[
                "tc:5d31fbdd27649b0dff076117 | 1234567890 | Государственный Кремлевский Дворец, ул. Воздвиженка, д.1, Moskou (Europe/Moscow) | 5d31fbdd27649b0dff076117=2019-08-16T00:20:00+03:00 | from 104.00",
                // No zone anywhere: Moscow. No sets: no price.
                "tc:5d31fbdd27649b0dff0761dd | Без зоны | Клуб, -, Город (Europe/Moscow) | 5d31fbdd27649b0dff0761dd=2019-08-16T00:20:00+03:00 | from -",
                // Upper-case id normalised; the sold-out cheaper set does not count.
                "tc:5d31fbdd27649b0dff0761aa | Лебединое озеро | НОВАТ, -, Novosibirsk (Asia/Novosibirsk) | 5d31fbdd27649b0dff0761aa=2027-11-01T19:00:00+07:00 | from 250.00",
                // `ru` name preferred; cheapest of seated and GA sets.
                "tc:5b0d157f445143000114e321 | Щелкунчик | Приморская сцена, ул. Фастовская, 20, Владивосток (Asia/Vladivostok) | 5b0d157f445143000114e321=2027-12-31T19:00:00+10:00 | from 350.00",
            ],
        ),
        (
            "ticketscloud/sim_events.json",
            &[
                "tc:5f1a0c0e2b3c4d5e6f708192 | Лебединое озеро | Мариинский театр, Театральная площадь, 1, Санкт-Петербург (Europe/Moscow) | 5f1a0c0e2b3c4d5e6f708192=2027-04-15T19:00:00+03:00 | from 1560.00",
                "tc:5f1a0c0e2b3c4d5e6f708193 | Джазовый вечер | Новосибирская филармония, Красный проспект, 32, Новосибирск (Asia/Novosibirsk) | 5f1a0c0e2b3c4d5e6f708193=2027-05-20T19:00:00+07:00 | from 1248.00",
            ],
        ),
    ];
    let adapters = adapters();
    for &(fixture, expected) in cases {
        let page =
            adapters.ticketscloud.parse_catalogue_page(1, &ok(fixture)).unwrap_or_else(|error| panic!("{fixture}: {error}"));
        let actual: Vec<String> = page.events.iter().map(describe_event).collect();
        assert_eq!(actual, expected, "{fixture}");
        assert!(page.has_more, "{fixture}: a page with events, however few, may not be the last");
    }
}

#[test]
fn the_listing_ends_at_an_empty_page_whatever_the_page_size() {
    // Whatever page size was asked for and whatever came: only an empty page
    // (or a `pagination` total, where an answer has one) ends the listing.
    let json = |body: &str| ticket_core::UpstreamResponse::json(200, body);
    let cases: Vec<(ticket_core::UpstreamResponse, u32, bool)> = vec![
        (ok("ticketscloud/events_seated_and_odd.json"), 1, true),
        (ok("ticketscloud/events_doc_example.json"), 7, true),
        (json("[]"), 1, false),
        (json("[]"), 3, false),
        (json(r#"{"events": [], "venues": {}}"#), 2, false),
        (ok("ticketscloud/events_normalised.json"), 1, true),
        (json(r#"{"events": [{"id": "x"}], "pagination": {"page": 2, "page_size": 1, "total": 2}}"#), 2, false),
        (json(r#"{"events": [{"id": "x"}], "pagination": {"page": 1, "page_size": 1, "total": 2}}"#), 1, true),
    ];
    for (response, page, has_more) in cases {
        assert_eq!(parse_events_page(&response, page).unwrap().has_more, has_more, "page {page}: {}", response.body);
    }
}

#[test]
fn a_normalised_listing_reads_like_the_embedded_one() {
    // The same events, once with venues, organisers and sets inside each
    // event (the example's form), once as ids beside maps of each entity
    // (the form the prose describes).
    let adapters = adapters();
    let embedded = adapters.ticketscloud.parse_catalogue_page(1, &ok("ticketscloud/events_seated_and_odd.json")).unwrap();
    let normalised = adapters.ticketscloud.parse_catalogue_page(1, &ok("ticketscloud/events_normalised.json")).unwrap();
    assert_eq!(embedded.events.len(), 4);
    assert_eq!(normalised, embedded);
    assert!(ok("ticketscloud/events_normalised.json").body.contains(r#""venue": "5540add49cb5385eeef17b4d""#));
}

#[test]
fn the_listing_may_be_wrapped_in_an_object() {
    let bare = ok("ticketscloud/events_doc_example.json");
    let wrapped = ticket_core::UpstreamResponse::json(200, format!(r#"{{"events": {}, "refs": {{}}}}"#, bare.body));
    let adapters = adapters();
    let from_bare = adapters.ticketscloud.parse_catalogue_page(1, &bare).unwrap();
    let from_wrapped = adapters.ticketscloud.parse_catalogue_page(1, &wrapped).unwrap();
    assert_eq!(from_bare, from_wrapped);
    assert_eq!(from_bare.events.len(), 1);
}
