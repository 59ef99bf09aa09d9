//! Which screen the widget shows, and where "back" leads.
//!
//! The buyer's path is events → dates → hall. Two shortcuts shape it: an event
//! with a single date skips the date picker, and a widget opened on one event
//! (the `event` attribute) has no way back to the full list — the partner put
//! it on that event's page on purpose.

/// One screen of the widget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    /// The partner's events.
    Events,
    /// One event: its dates, or its hall directly when it has one date.
    Event { event_id: String },
    /// One date of an event: the seat map and quantities.
    Hall { event_id: String, show_id: String },
}

impl Screen {
    /// Where the widget starts: the hall from the `event` and `show`
    /// attributes, the event from `event` alone, or the list.
    pub fn initial(configured_event: Option<&str>, configured_show: Option<&str>) -> Screen {
        match (configured_event, configured_show) {
            (Some(event_id), Some(show_id)) => Screen::Hall { event_id: event_id.to_owned(), show_id: show_id.to_owned() },
            (Some(event_id), None) => Screen::Event { event_id: event_id.to_owned() },
            (None, _) => Screen::Events,
        }
    }

    /// The screen "back" leads to, or `None` when there is no way back.
    /// `show_count` is the number of dates of the event on screen;
    /// `event_is_fixed` is true when the partner opened the widget on one event.
    pub fn back(&self, show_count: usize, event_is_fixed: bool) -> Option<Screen> {
        match self {
            Screen::Events => None,
            Screen::Hall { event_id, .. } if show_count > 1 => Some(Screen::Event { event_id: event_id.clone() }),
            Screen::Event { .. } | Screen::Hall { .. } if event_is_fixed => None,
            Screen::Event { .. } | Screen::Hall { .. } => Some(Screen::Events),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> Screen {
        Screen::Event { event_id: "qt:1001".into() }
    }

    fn hall() -> Screen {
        Screen::Hall { event_id: "qt:1001".into(), show_id: "2001".into() }
    }

    #[test]
    fn starts_on_the_configured_event_or_the_list() {
        assert_eq!(Screen::initial(Some("qt:1001"), None), event());
        assert_eq!(Screen::initial(Some("qt:1001"), Some("2001")), hall());
        assert_eq!(Screen::initial(None, Some("2001")), Screen::Events);
        assert_eq!(Screen::initial(None, None), Screen::Events);
    }

    #[test]
    fn back_skips_screens_the_buyer_never_saw() {
        let cases: &[(Screen, usize, bool, Option<Screen>)] = &[
            (Screen::Events, 0, false, None),
            (event(), 2, false, Some(Screen::Events)),
            (event(), 2, true, None),
            (hall(), 2, false, Some(event())),
            (hall(), 2, true, Some(event())),
            // One date: the date picker was skipped, so back goes to the list…
            (hall(), 1, false, Some(Screen::Events)),
            // …or nowhere when the partner fixed the event.
            (hall(), 1, true, None),
        ];
        for (screen, show_count, fixed, expected) in cases {
            assert_eq!(&screen.back(*show_count, *fixed), expected, "{screen:?} {show_count} {fixed}");
        }
    }
}
