//! QTickets `events/lists` fixtures → contract events: one row per show
//! grouped under its event, times in the venue's zone, odd rows skipped.

use ticket_core::ProviderAdapter;

use super::support::{adapters, describe_event, ok};

#[test]
fn listings_become_events_with_their_shows() {
    let cases: &[(&str, &[&str])] = &[
        (
            // The document's example: the "+10:00" start times of a Moscow
            // venue are converted to Moscow time.
            "qtickets/lists_doc_example.json",
            &[
                "qt:12 | Название мероприятия 1 | Кремлевский дворец, ул. Воздвиженка, 1, Москва (Europe/Moscow) | 20=2018-05-03T23:22:00+03:00, 21=2019-01-03T10:00:00+03:00 | from -",
                "qt:33 | Название мероприятия 2 | Кремлевский дворец, ул. Воздвиженка, 1, Москва (Europe/Moscow) | 41=2018-12-31T14:00:00+03:00 | from -",
            ],
        ),
        (
            "qtickets/lists_cities_and_odd_rows.json",
            &[
                // `scheme` is not an object: no venue name, but the event stays.
                "qt:404 | Спектакль в Москве | , -, Москва (Europe/Moscow) | 4001=2027-09-01T19:00:00+03:00 | from -",
                // Empty time zone: the upstream offset is kept and named.
                "qt:303 | Концерт без часового пояса | ДК, -, Екатеринбург (Etc/GMT-5) | 3001=2027-10-10T18:30:00+05:00 | from -",
                // Sent with a Moscow offset, shown in Novosibirsk time.
                "qt:202 | Лебединое озеро | НОВАТ, -, Новосибирск (Asia/Novosibirsk) | 2001=2027-11-01T19:00:00+07:00 | from -",
                // Rows listed out of order, one id as a string, one duplicate row.
                "qt:101 | Щелкунчик | Приморская сцена Мариинского театра, ул. Фастовская, 20, Владивосток (Asia/Vladivostok) | 1001=2027-12-30T19:00:00+10:00, 1002=2027-12-31T19:00:00+10:00 | from -",
            ],
        ),
        (
            // The REST `/events` shape from the live report, under `data`.
            "qtickets/lists_rest_shape.json",
            &["qt:24089 | Детская интерактивная выставка Корпорация Кубиков | ТЦ \"Смайл Сити\", -, Екатеринбург (Etc/GMT-3) | 152888=2021-06-15T20:00:00+03:00, 152887=2021-06-16T20:00:00+03:00 | from -"],
        ),
    ];
    let adapters = adapters();
    for &(fixture, expected) in cases {
        let page = adapters.qtickets.parse_catalogue_page(1, &ok(fixture)).unwrap_or_else(|error| panic!("{fixture}: {error}"));
        let actual: Vec<String> = page.events.iter().map(describe_event).collect();
        assert_eq!(actual, expected, "{fixture}");
        assert!(!page.has_more, "QTickets has a single page");
    }
}

#[test]
fn an_empty_listing_is_an_empty_catalogue_not_an_error() {
    let response = ticket_core::UpstreamResponse::json(200, r#"{"status":"success","result":[]}"#);
    let page = adapters().qtickets.parse_catalogue_page(1, &response).unwrap();
    assert!(page.events.is_empty());
}
