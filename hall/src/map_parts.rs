//! What is drawn around the seat plan, as markup strings for the
//! seat-picking stage (which shows them on the painted hall before the
//! widget is there): the toolbar under the plan, as the widget's `SeatMap`
//! view renders it (a browser test holds the two equal), and the legend,
//! whose contents the widget's `ZoneLegend` takes from here. Nothing moves
//! or changes when the widget takes over. Every text from the layout is
//! escaped.

use ticket_contract::Layout;
use ticket_paint::{escape_attribute, zone_class};

use crate::lang::Lang;
use crate::money::format_price_range_for;
use crate::words::{seat_keys_hint, seat_list_toggle};

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

/// Which of the toolbar's zoom buttons can do something now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoomButtons {
    /// The plan shows the whole hall: nothing to zoom out of or reset.
    pub at_whole_hall: bool,
    /// The plan is as close as it goes: no further in.
    pub at_deepest: bool,
}

impl ZoomButtons {
    /// Each zoom button's test id and whether it is disabled now.
    pub fn disabled(self) -> [(&'static str, bool); 3] {
        [("zoom-in", self.at_deepest), ("zoom-out", self.at_whole_hall), ("zoom-reset", self.at_whole_hall)]
    }
}

/// The toolbar under the plan: the gestures' hint with the keys' hint for
/// screen readers (element id `hint_id`, which the plan's tab stop names as
/// its description), the seat list's toggle, and + / − / ⤢, each disabled
/// when it has nothing to do.
pub fn toolbar_markup(lang: Lang, hint_id: &str, zoom: ZoomButtons) -> String {
    let words = lang.words();
    let [zoom_in_off, zoom_out_off, reset_off] = zoom.disabled().map(|(_, off)| if off { " disabled=\"\"" } else { "" });
    format!(
        "<div class=\"tw-map-toolbar\"><p class=\"tw-hint\">{}<span class=\"tw-visually-hidden\" id=\"{}\">{}</span></p>\
         <div class=\"tw-map-controls\">\
         <button class=\"tw-button tw-button-secondary tw-seat-list-toggle\" type=\"button\" data-testid=\"seat-list-toggle\" \
         aria-expanded=\"false\">{}</button>\
         <button class=\"tw-map-button\" type=\"button\" data-testid=\"zoom-in\" aria-label=\"{zoom_in}\" title=\"{zoom_in}\"{}>+</button>\
         <button class=\"tw-map-button\" type=\"button\" data-testid=\"zoom-out\" aria-label=\"{zoom_out}\" title=\"{zoom_out}\"{}>−</button>\
         <button class=\"tw-map-button\" type=\"button\" data-testid=\"zoom-reset\" aria-label=\"{reset}\" title=\"{reset}\"{}>\
         <span aria-hidden=\"true\">⤢</span></button></div></div>",
        words.map_hint,
        escape_attribute(hint_id),
        seat_keys_hint(lang),
        seat_list_toggle(lang),
        zoom_in_off,
        zoom_out_off,
        reset_off,
        zoom_in = words.zoom_in,
        zoom_out = words.zoom_out,
        reset = words.zoom_reset,
    )
}

/// The key to the plan: each seated zone's colour, name and price (range),
/// and what available, picked and taken seats look like (its box and
/// [`legend_contents`]).
pub fn legend_markup(lang: Lang, layout: &Layout) -> String {
    format!("<div class=\"{LEGEND_CLASS}\" data-testid=\"{LEGEND_TEST_ID}\">{}</div>", legend_contents(lang, layout))
}

/// The legend's box: its class and test id (the widget's view draws the box
/// and puts [`legend_contents`] in it).
pub const LEGEND_CLASS: &str = "tw-legend";
pub const LEGEND_TEST_ID: &str = "zone-legend";

/// What is inside the legend's box.
pub fn legend_contents(lang: Lang, layout: &Layout) -> String {
    let words = lang.words();
    let mut markup = format!("<h4 class=\"tw-visually-hidden\">{}</h4><ul class=\"tw-legend-zones\">", words.prices_title);
    for zone_index in seated_zones(layout) {
        let Some(zone) = layout.zones.get(zone_index) else { continue };
        markup.push_str(&format!(
            "<li class=\"tw-legend-zone\" data-zone-id=\"{}\"><span class=\"tw-swatch {}\" aria-hidden=\"true\"></span>\
             <span class=\"tw-legend-name\">{}</span><span class=\"tw-legend-price\">{}</span></li>",
            escape_attribute(&zone.id),
            zone_class(zone_index),
            escape_attribute(&zone.name),
            format_price_range_for(lang, zone.price_min, zone.price_max),
        ));
    }
    markup.push_str(&format!(
        "</ul><ul class=\"tw-legend-states\">\
         <li><span class=\"tw-key tw-key-available\" aria-hidden=\"true\"></span>{}</li>\
         <li><span class=\"tw-key tw-key-selected\" aria-hidden=\"true\"></span>{}</li>\
         <li><span class=\"tw-key tw-key-unavailable\" aria-hidden=\"true\"></span>{}</li></ul>",
        words.state_available, words.state_selected, words.state_unavailable,
    ));
    markup
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{fixtures, Money, Zone};

    fn layout() -> Layout {
        let range = Zone { price_max: Money::rub_minor(250_000), ..fixtures::zone("a&1", "Партер <A>", 150_000) };
        fixtures::layout(
            vec![range, fixtures::zone("empty", "Ложа", 100_000), fixtures::zone("free", "Balcony", 0)],
            vec![fixtures::seat("s1", 0, "1", "1", (0.0, 0.0), 150_000), fixtures::seat("s2", 2, "1", "2", (10.0, 0.0), 0)],
        )
    }

    #[test]
    fn only_zones_with_seats_are_in_the_legend() {
        assert_eq!(seated_zones(&layout()), [0, 2]);
    }

    #[test]
    fn the_legend_names_each_seated_zone_with_its_prices_and_the_seat_states() {
        let markup = legend_markup(Lang::En, &layout());
        let zones: Vec<&str> = markup.split("<li class=\"tw-legend-zone\" ").skip(1).collect();
        assert_eq!(zones.len(), 2, "{markup}");
        assert!(
            zones[0].starts_with(
                "data-zone-id=\"a&amp;1\"><span class=\"tw-swatch z0\" aria-hidden=\"true\"></span>\
                 <span class=\"tw-legend-name\">Партер &lt;A&gt;</span><span class=\"tw-legend-price\">"
            ),
            "{}",
            zones[0]
        );
        let spaced = zones[0].replace(['\u{a0}', '\u{202f}'], " ");
        assert!(spaced.contains(">1 500 – 2 500 ₽</span>"), "the zone's price range: {spaced}");
        assert!(zones[1].contains("<span class=\"tw-swatch z2\""), "{}", zones[1]);
        assert!(zones[1].contains("<span class=\"tw-legend-price\">free</span>"), "{}", zones[1]);
        assert!(markup.ends_with("tw-key-unavailable\" aria-hidden=\"true\"></span>Taken</li></ul></div>"), "{markup}");
    }

    #[test]
    fn the_toolbar_disables_what_the_view_leaves_nothing_to_do_for() {
        let cases: &[(ZoomButtons, [bool; 3])] = &[
            (ZoomButtons { at_whole_hall: true, at_deepest: false }, [false, true, true]),
            (ZoomButtons { at_whole_hall: false, at_deepest: false }, [false, false, false]),
            (ZoomButtons { at_whole_hall: false, at_deepest: true }, [true, false, false]),
        ];
        for &(zoom, [zoom_in, zoom_out, reset]) in cases {
            let markup = toolbar_markup(Lang::Ru, "tw-map-keys-s1", zoom);
            let disabled = |test_id: &str| {
                let start = markup.find(&format!("data-testid=\"{test_id}\"")).expect(test_id);
                markup[start..].split('>').next().unwrap_or_default().contains("disabled")
            };
            assert_eq!(
                [disabled("zoom-in"), disabled("zoom-out"), disabled("zoom-reset")],
                [zoom_in, zoom_out, reset],
                "{zoom:?}"
            );
            assert!(markup.contains("<span class=\"tw-visually-hidden\" id=\"tw-map-keys-s1\">Стрелки"), "{markup}");
            assert!(markup.contains("aria-expanded=\"false\">Список мест</button>"), "{markup}");
        }
    }
}
