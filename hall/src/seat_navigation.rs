//! Moving through the seat plan with the keyboard: which seat an arrow,
//! Home/End or Page Up/Down leads to. Pure geometry over the layout, tested
//! natively; the seat map only asks [`SeatNavigation::step`] and focuses the
//! answer.
//!
//! The plan is read like a page, in **reading order**: zones from the top of
//! the hall down (then left to right), each zone's rows from the front (the
//! top of the plan) back, each row's seats along the row. A *row* is the
//! seats of one zone that share a row label and sit together: the same label
//! far apart (a zone in two blocks, one below the other) is two rows, while a
//! gap of a few seats (an aisle) stays one row. Seats go along a row's longer
//! side: left to right, or top to bottom for rows that run down the plan
//! (side balconies). Seats without a row label are put in rows by height.
//!
//! Keys ([`SeatKey`]):
//! - Left / Right: the previous / next seat in reading order — along the row,
//!   and past its end onto the next row (past the start onto the previous
//!   row's last seat); gaps in a row are simply skipped;
//! - Up / Down: the nearest seat (straight-line distance) of the previous /
//!   next row in reading order;
//! - Home / End: the first / last seat of the row;
//! - Page Up / Page Down: the first seat of the previous / next zone.
//!
//! At the first or last seat, a key that would leave the plan stays put.
//! Taken seats are visited too (the seat map announces them as taken): the
//! plan mirrors the hall; the seat list lists free places only.

use std::cmp::Ordering;

use ticket_contract::Layout;

/// A key the plan answers by moving to another seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeatKey {
    Left,
    Right,
    Up,
    Down,
    RowStart,
    RowEnd,
    PreviousZone,
    NextZone,
}

impl SeatKey {
    /// The key of a `KeyboardEvent.key` value, if it moves between seats.
    pub fn from_key(key: &str) -> Option<SeatKey> {
        Some(match key {
            "ArrowLeft" | "Left" => SeatKey::Left,
            "ArrowRight" | "Right" => SeatKey::Right,
            "ArrowUp" | "Up" => SeatKey::Up,
            "ArrowDown" | "Down" => SeatKey::Down,
            "Home" => SeatKey::RowStart,
            "End" => SeatKey::RowEnd,
            "PageUp" => SeatKey::PreviousZone,
            "PageDown" => SeatKey::NextZone,
            _ => return None,
        })
    }
}

/// One row in reading order.
#[derive(Debug, Clone, PartialEq)]
pub struct SeatRow {
    /// Zone index (into `Layout::zones`).
    pub zone: u16,
    /// The row label its seats carry (may be empty).
    pub label: String,
    /// Seat indices (into `Layout::seats`) along the row.
    pub seats: Vec<usize>,
}

/// The plan's seats in reading order, and where each seat sits in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeatNavigation {
    rows: Vec<SeatRow>,
    /// Per seat index: (row, position in the row).
    place_of: Vec<(usize, usize)>,
    /// Index of each zone's first row, in reading order.
    zone_starts: Vec<usize>,
    /// Seat centres, for Up / Down.
    points: Vec<(f64, f64)>,
}

impl SeatNavigation {
    /// Reading order for `layout`; `seat_spacing` is the usual distance
    /// between neighbouring seats (e.g. `seat_radius / 0.42`).
    pub fn new(layout: &Layout, seat_spacing: f64) -> SeatNavigation {
        let spacing = if seat_spacing.is_finite() && seat_spacing > 0.0 { seat_spacing } else { 1.0 };
        let points: Vec<(f64, f64)> = layout.seats.iter().map(|seat| (seat.x as f64, seat.y as f64)).collect();

        // Seats by (zone, row label).
        let seats = &layout.seats;
        let mut by_row: Vec<usize> = (0..seats.len()).collect();
        sort_indices(&mut by_row, &|a, b| {
            (seats[a].zone, seats[a].row.trim()).cmp(&(seats[b].zone, seats[b].row.trim())).then(a.cmp(&b))
        });
        let mut groups: Vec<(u16, &str, Vec<usize>)> = Vec::new();
        for index in by_row {
            let key = (seats[index].zone, seats[index].row.trim());
            match groups.last_mut() {
                Some((zone, label, members)) if (*zone, *label) == key => members.push(index),
                _ => groups.push((key.0, key.1, vec![index])),
            }
        }

        let mut rows: Vec<SeatRow> = Vec::new();
        for (zone, label, seats) in groups {
            let parts = if label.is_empty() {
                split_by_height(&seats, &points, spacing)
            } else {
                split_apart(&seats, &points, spacing * 4.0)
            };
            for mut part in parts {
                sort_along_row(&mut part, &points);
                rows.push(SeatRow { zone, label: label.to_owned(), seats: part });
            }
        }

        // Rows: by zone (its front-most row first), then front to back, then left to right.
        let band = |y: f64| (y / (spacing / 2.0)).round() as i64;
        let centres: Vec<(f64, f64)> = rows.iter().map(|row| centre(&row.seats, &points)).collect();
        let zone_count = rows.iter().map(|row| row.zone as usize + 1).max().unwrap_or(0);
        let mut zone_key: Vec<(i64, f64)> = vec![(i64::MAX, f64::INFINITY); zone_count];
        for (row, &(x, y)) in rows.iter().zip(&centres) {
            let best = &mut zone_key[row.zone as usize];
            if band(y) < best.0 || (band(y) == best.0 && x < best.1) {
                *best = (band(y), x);
            }
        }
        let mut order: Vec<usize> = (0..rows.len()).collect();
        sort_indices(&mut order, &|a, b| {
            let (zone_a, zone_b) = (zone_key[rows[a].zone as usize], zone_key[rows[b].zone as usize]);
            zone_a
                .0
                .cmp(&zone_b.0)
                .then(zone_a.1.total_cmp(&zone_b.1))
                .then(rows[a].zone.cmp(&rows[b].zone))
                .then(band(centres[a].1).cmp(&band(centres[b].1)))
                .then(centres[a].0.total_cmp(&centres[b].0))
                .then(rows[a].seats[0].cmp(&rows[b].seats[0]))
        });
        let mut slots: Vec<Option<SeatRow>> = rows.into_iter().map(Some).collect();
        let rows: Vec<SeatRow> = order.into_iter().filter_map(|index| slots[index].take()).collect();

        let mut place_of = vec![(usize::MAX, 0); layout.seats.len()];
        let mut zone_starts = Vec::new();
        for (row_index, row) in rows.iter().enumerate() {
            if row_index == 0 || rows[row_index - 1].zone != row.zone {
                zone_starts.push(row_index);
            }
            for (position, &seat) in row.seats.iter().enumerate() {
                place_of[seat] = (row_index, position);
            }
        }
        SeatNavigation { rows, place_of, zone_starts, points }
    }

    /// The rows in reading order (the seat list shows them this way).
    pub fn rows(&self) -> &[SeatRow] {
        &self.rows
    }

    /// Every seat in reading order.
    pub fn seats_in_order(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows.iter().flat_map(|row| row.seats.iter().copied())
    }

    /// The first seat in reading order for which `wanted` holds, else the
    /// first seat at all (where the plan's focus starts).
    pub fn first_seat(&self, wanted: impl Fn(usize) -> bool) -> Option<usize> {
        self.seats_in_order().find(|&seat| wanted(seat)).or_else(|| self.seats_in_order().next())
    }

    /// The seat `key` leads to from seat `from` (itself at an edge of the plan).
    pub fn step(&self, from: usize, key: SeatKey) -> usize {
        let Some(&(row, position)) = self.place_of.get(from).filter(|(row, _)| *row != usize::MAX) else {
            return from;
        };
        let seats = &self.rows[row].seats;
        match key {
            SeatKey::Right if position + 1 < seats.len() => seats[position + 1],
            SeatKey::Right => self.rows.get(row + 1).map_or(from, |next| next.seats[0]),
            SeatKey::Left if position > 0 => seats[position - 1],
            SeatKey::Left => row.checked_sub(1).map_or(from, |previous| *self.rows[previous].seats.last().unwrap_or(&from)),
            SeatKey::Up => row.checked_sub(1).map_or(from, |previous| self.nearest_in(previous, from)),
            SeatKey::Down => {
                if row + 1 < self.rows.len() {
                    self.nearest_in(row + 1, from)
                } else {
                    from
                }
            }
            SeatKey::RowStart => seats[0],
            SeatKey::RowEnd => *seats.last().unwrap_or(&from),
            SeatKey::NextZone => {
                let next = self.zone_starts.iter().find(|&&start| start > row);
                next.map_or(from, |&start| self.rows[start].seats[0])
            }
            SeatKey::PreviousZone => {
                let current = self.zone_starts.iter().rposition(|&start| start <= row).unwrap_or(0);
                current.checked_sub(1).map_or(from, |previous| self.rows[self.zone_starts[previous]].seats[0])
            }
        }
    }

    /// The seat of row `row` nearest to seat `from` (the first of equals).
    fn nearest_in(&self, row: usize, from: usize) -> usize {
        let (x, y) = self.points[from];
        let distance = |seat: usize| (self.points[seat].0 - x).powi(2) + (self.points[seat].1 - y).powi(2);
        self.rows[row].seats.iter().copied().min_by(|&a, &b| distance(a).total_cmp(&distance(b)).then(a.cmp(&b))).unwrap_or(from)
    }
}

/// Every sort here goes through this one function (one copy of the sort in
/// the wasm); each order ends on the seat or row index, so it is total.
fn sort_indices(items: &mut [usize], compare: &dyn Fn(usize, usize) -> Ordering) {
    items.sort_unstable_by(|&a, &b| compare(a, b));
}

fn centre(seats: &[usize], points: &[(f64, f64)]) -> (f64, f64) {
    let count = seats.len().max(1) as f64;
    let (x, y) = seats.iter().fold((0.0, 0.0), |(x, y), &seat| (x + points[seat].0, y + points[seat].1));
    (x / count, y / count)
}

/// Splits seats into groups that sit together: two seats closer than
/// `reach` are in one group (single linkage).
fn split_apart(seats: &[usize], points: &[(f64, f64)], reach: f64) -> Vec<Vec<usize>> {
    let mut group = vec![usize::MAX; seats.len()];
    let mut groups = Vec::new();
    let reach_squared = reach * reach;
    for start in 0..seats.len() {
        if group[start] != usize::MAX {
            continue;
        }
        let id = groups.len();
        group[start] = id;
        let mut members = vec![start];
        let mut next = 0;
        while next < members.len() {
            let (x, y) = points[seats[members[next]]];
            next += 1;
            for other in 0..seats.len() {
                if group[other] == usize::MAX {
                    let (other_x, other_y) = points[seats[other]];
                    if (other_x - x).powi(2) + (other_y - y).powi(2) <= reach_squared {
                        group[other] = id;
                        members.push(other);
                    }
                }
            }
        }
        members.sort_unstable();
        groups.push(members.into_iter().map(|member| seats[member]).collect());
    }
    groups
}

/// Seats without a row label: a new row wherever the height jumps by more
/// than half the seat spacing.
fn split_by_height(seats: &[usize], points: &[(f64, f64)], spacing: f64) -> Vec<Vec<usize>> {
    let mut by_height = seats.to_vec();
    sort_indices(&mut by_height, &|a, b| points[a].1.total_cmp(&points[b].1).then(a.cmp(&b)));
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut last_y = f64::NEG_INFINITY;
    for seat in by_height {
        let y = points[seat].1;
        match rows.last_mut() {
            Some(row) if y - last_y <= spacing / 2.0 => row.push(seat),
            _ => rows.push(vec![seat]),
        }
        last_y = y;
    }
    rows
}

/// Orders a row's seats along its longer side (left to right, or top to
/// bottom for a row that runs down the plan).
fn sort_along_row(seats: &mut [usize], points: &[(f64, f64)]) {
    let extent = |axis: fn(&(f64, f64)) -> f64| {
        let values = seats.iter().map(|&seat| axis(&points[seat]));
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), value| (low.min(value), high.max(value)));
        high - low
    };
    let runs_down = extent(|point| point.1) > extent(|point| point.0);
    sort_indices(seats, &|a, b| {
        let (first, second) = if runs_down { (points[a].1, points[b].1) } else { (points[a].0, points[b].0) };
        first.total_cmp(&second).then(a.cmp(&b))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use ticket_contract::{fixtures, Seat};

    /// A seat named `<zone>/<row>/<place>` (row "" for seats without rows).
    fn seat(zone: u16, row: &str, place: u32, x: f32, y: f32) -> Seat {
        fixtures::seat(&format!("{zone}/{row}/{place}"), zone, row, &place.to_string(), (x, y), 100_000)
    }

    fn layout(seats: Vec<Seat>) -> Layout {
        let zone = |name: &str| fixtures::zone(name, name, 100_000);
        fixtures::layout(vec![zone("A"), zone("B"), zone("C")], seats)
    }

    /// Seat ids in reading order, rows separated by `|`.
    fn reading(layout: &Layout, navigation: &SeatNavigation) -> String {
        navigation
            .rows()
            .iter()
            .map(|row| row.seats.iter().map(|&seat| layout.seats[seat].id.as_str()).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// A small hall, listed out of order on purpose:
    /// zone 0 "A": rows 1 and 2 (row 2 has an aisle after place 3, and place
    /// 5 is missing), straight, at the front;
    /// zone 1 "B": row 1 behind them, and a side balcony row running down;
    /// zone 2 "C": row 1 in two blocks, one far below the other.
    fn hall() -> Layout {
        let mut seats = vec![];
        for place in [3, 1, 2, 4] {
            seats.push(seat(0, "1", place, 100.0 + place as f32 * 20.0, 100.0));
        }
        for place in [1, 2, 3, 4, 6] {
            let aisle = if place > 3 { 40.0 } else { 0.0 };
            seats.push(seat(0, "2", place, 100.0 + place as f32 * 20.0 + aisle, 120.0));
        }
        for place in 1..=3 {
            seats.push(seat(1, "1", place, 110.0 + place as f32 * 20.0, 160.0));
        }
        for place in 1..=3 {
            seats.push(seat(1, "Балкон", place, 20.0, 90.0 + place as f32 * 20.0));
        }
        for place in 1..=2 {
            seats.push(seat(2, "1", place, 100.0 + place as f32 * 20.0, 400.0));
            seats.push(seat(2, "1", place + 10, 100.0 + place as f32 * 20.0, 800.0));
        }
        layout(seats)
    }

    fn index_of(layout: &Layout, id: &str) -> usize {
        layout.seats.iter().position(|seat| seat.id == id).unwrap_or_else(|| panic!("no seat {id}"))
    }

    #[test]
    fn reads_the_plan_zone_by_zone_row_by_row_along_each_row() {
        let hall = hall();
        let navigation = SeatNavigation::new(&hall, 20.0);
        assert_eq!(
            reading(&hall, &navigation),
            "0/1/1 0/1/2 0/1/3 0/1/4 | 0/2/1 0/2/2 0/2/3 0/2/4 0/2/6 \
             | 1/Балкон/1 1/Балкон/2 1/Балкон/3 | 1/1/1 1/1/2 1/1/3 \
             | 2/1/1 2/1/2 | 2/1/11 2/1/12"
        );
        assert_eq!(navigation.seats_in_order().count(), hall.seats.len(), "every seat once");
    }

    #[test]
    fn keys_lead_to_the_documented_seats() {
        let hall = hall();
        let navigation = SeatNavigation::new(&hall, 20.0);
        let cases: &[(&str, SeatKey, &str)] = &[
            // Along a row, over the aisle and the missing place.
            ("0/1/1", SeatKey::Right, "0/1/2"),
            ("0/2/3", SeatKey::Right, "0/2/4"),
            ("0/2/4", SeatKey::Right, "0/2/6"),
            ("0/2/4", SeatKey::Left, "0/2/3"),
            // Past a row's end onto the next row, and back.
            ("0/1/4", SeatKey::Right, "0/2/1"),
            ("0/2/1", SeatKey::Left, "0/1/4"),
            // The plan's ends stay put.
            ("0/1/1", SeatKey::Left, "0/1/1"),
            ("2/1/12", SeatKey::Right, "2/1/12"),
            ("0/1/3", SeatKey::Up, "0/1/3"),
            ("2/1/11", SeatKey::Down, "2/1/11"),
            // Up / Down: the nearest seat of the neighbouring row.
            ("0/1/3", SeatKey::Down, "0/2/3"),
            ("0/2/6", SeatKey::Up, "0/1/4"),
            ("0/2/2", SeatKey::Up, "0/1/2"),
            ("1/1/2", SeatKey::Down, "2/1/2"),
            ("2/1/2", SeatKey::Down, "2/1/12"),
            // Home / End: the row's ends.
            ("0/2/3", SeatKey::RowStart, "0/2/1"),
            ("0/2/3", SeatKey::RowEnd, "0/2/6"),
            ("1/Балкон/2", SeatKey::RowEnd, "1/Балкон/3"),
            // Page Down / Up: the first seat of the next / previous zone.
            ("0/2/3", SeatKey::NextZone, "1/Балкон/1"),
            ("1/1/3", SeatKey::NextZone, "2/1/1"),
            ("2/1/12", SeatKey::NextZone, "2/1/12"),
            ("2/1/12", SeatKey::PreviousZone, "1/Балкон/1"),
            ("1/1/1", SeatKey::PreviousZone, "0/1/1"),
            ("0/2/6", SeatKey::PreviousZone, "0/2/6"),
        ];
        for &(from, key, expected) in cases {
            let reached = navigation.step(index_of(&hall, from), key);
            assert_eq!(hall.seats[reached].id, expected, "{from} {key:?}");
        }
        assert_eq!(navigation.step(999, SeatKey::Right), 999, "an unknown seat stays put");
    }

    #[test]
    fn right_arrow_alone_visits_every_seat_once_in_reading_order() {
        let hall = hall();
        let navigation = SeatNavigation::new(&hall, 20.0);
        let mut at = navigation.first_seat(|_| true).unwrap();
        let mut visited = vec![at];
        loop {
            let next = navigation.step(at, SeatKey::Right);
            if next == at {
                break;
            }
            visited.push(next);
            at = next;
        }
        assert_eq!(visited, navigation.seats_in_order().collect::<Vec<_>>());
        // And Left walks it back.
        let mut back = vec![at];
        while let Some(&last) = back.last() {
            let previous = navigation.step(last, SeatKey::Left);
            if previous == last {
                break;
            }
            back.push(previous);
        }
        back.reverse();
        assert_eq!(back, visited);
    }

    #[test]
    fn follows_curved_rows_and_rows_without_labels() {
        // Two arcs around a stage at the top: each arc's ends are higher on
        // the plan than its middle, the second arc's ends higher even than
        // the first arc's middle.
        let mut seats = vec![];
        for (row, radius) in [("1", 100.0f32), ("2", 120.0)] {
            for place in 0..7 {
                let angle = std::f32::consts::PI * (0.15 + 0.7 * place as f32 / 6.0);
                seats.push(seat(0, row, place + 1, 500.0 - radius * angle.cos(), 100.0 + radius * angle.sin()));
            }
        }
        // Standing places without rows, two lines of three.
        for (place, (x, y)) in [(600.0, 500.0), (620.0, 500.0), (640.0, 500.0), (600.0, 520.0), (620.0, 520.0), (640.0, 520.0)]
            .into_iter()
            .enumerate()
        {
            seats.push(seat(1, "", place as u32 + 1, x, y));
        }
        let hall = layout(seats);
        let navigation = SeatNavigation::new(&hall, 20.0);
        assert_eq!(
            reading(&hall, &navigation),
            "0/1/1 0/1/2 0/1/3 0/1/4 0/1/5 0/1/6 0/1/7 | 0/2/1 0/2/2 0/2/3 0/2/4 0/2/5 0/2/6 0/2/7 \
             | 1//1 1//2 1//3 | 1//4 1//5 1//6"
        );
        let down = navigation.step(index_of(&hall, "0/1/1"), SeatKey::Down);
        assert_eq!(hall.seats[down].id, "0/2/1", "down from an arc's end is the next arc's end");
        assert_eq!(navigation.first_seat(|seat| hall.seats[seat].zone == 1), Some(index_of(&hall, "1//1")));
        assert_eq!(navigation.first_seat(|_| false), Some(index_of(&hall, "0/1/1")), "none wanted: the first seat");
        assert_eq!(SeatNavigation::new(&layout(vec![]), 20.0).first_seat(|_| true), None);
    }

    #[test]
    fn reads_keyboard_keys() {
        let cases: &[(&str, Option<SeatKey>)] = &[
            ("ArrowLeft", Some(SeatKey::Left)),
            ("ArrowRight", Some(SeatKey::Right)),
            ("ArrowUp", Some(SeatKey::Up)),
            ("ArrowDown", Some(SeatKey::Down)),
            ("Home", Some(SeatKey::RowStart)),
            ("End", Some(SeatKey::RowEnd)),
            ("PageUp", Some(SeatKey::PreviousZone)),
            ("PageDown", Some(SeatKey::NextZone)),
            ("Enter", None),
            ("a", None),
        ];
        for &(key, expected) in cases {
            assert_eq!(SeatKey::from_key(key), expected, "{key}");
        }
    }
}
