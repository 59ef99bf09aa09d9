//! Examples of each rule, then properties checked over a thousand generated
//! halls (a seeded PRNG, so a failure names a case that can be run again):
//! the hall generator knows the true rows, aisles and missing seats, and an
//! independent brute force over that truth is the oracle.

use ticket_contract::{fixtures, Layout, Money, Seat, Zone};

use super::*;

fn zone(id: &str, price: i64) -> Zone {
    fixtures::zone(id, &format!("Zone {id}"), price)
}

fn seat(zone: u16, row: &str, place: &str, x: f32, y: f32, price: i64) -> Seat {
    fixtures::seat(&format!("{zone}-{row};{place}"), zone, row, place, (x, y), price)
}

fn layout(zones: Vec<Zone>, seats: Vec<Seat>) -> Layout {
    fixtures::layout(zones, seats)
}

/// A straight row at height `y`: places `first..` left to right, 20 apart.
fn straight_row(zone: u16, row: &str, places: std::ops::RangeInclusive<u32>, x0: f32, y: f32) -> Vec<Seat> {
    places.enumerate().map(|(position, place)| seat(zone, row, &place.to_string(), x0 + 20.0 * position as f32, y, 100)).collect()
}

fn query(count: usize) -> BestSeatsQuery {
    BestSeatsQuery { count, zone: None, free_seats_allowed: false }
}

/// The chosen seats as `row;place` labels.
fn chosen(layout: &Layout, available: &[bool], query: BestSeatsQuery) -> Option<(Vec<String>, bool)> {
    best_seats(layout, available, query).map(|best| {
        let labels =
            best.seats.iter().map(|&index| format!("{};{}", layout.seats[index].row, layout.seats[index].place)).collect();
        (labels, best.strands_a_single)
    })
}

fn labels(list: &[&str]) -> Vec<String> {
    list.iter().map(|label| label.to_string()).collect()
}

#[test]
fn examples() {
    // Two rows of ten, row 1 nearer the stage (top).
    let two_rows =
        layout(vec![zone("1", 100)], [straight_row(0, "1", 1..=10, 0.0, 0.0), straight_row(0, "2", 1..=10, 0.0, 30.0)].concat());
    let all_free = vec![true; 20];
    let mut front_middle_taken = all_free.clone();
    front_middle_taken[3..7].fill(false); // row 1 places 4–7
    let mut row_one_almost_full = all_free.clone();
    row_one_almost_full[..10].fill(false);
    row_one_almost_full[0] = true;
    row_one_almost_full[1] = true;
    let ten = layout(vec![zone("1", 100)], straight_row(0, "1", 1..=10, 0.0, 0.0));
    let mut middle_taken = vec![true; 10];
    middle_taken[3..7].fill(false);
    let mut five_to_seven_taken = vec![true; 10];
    five_to_seven_taken[4..7].fill(false);
    let five = layout(vec![zone("1", 100)], straight_row(0, "1", 1..=5, 0.0, 0.0));
    let four = layout(vec![zone("1", 100)], straight_row(0, "1", 1..=4, 0.0, 0.0));
    type Case<'a> = (&'a str, &'a Layout, Vec<bool>, BestSeatsQuery, Option<(Vec<String>, bool)>);
    let cases: Vec<Case> = vec![
        ("the middle of the front row", &two_rows, all_free.clone(), query(2), Some((labels(&["1;5", "1;6"]), false))),
        ("an odd count centres too", &two_rows, all_free.clone(), query(3), Some((labels(&["1;4", "1;5", "1;6"]), false))),
        // Row 1's sides are further from the stage centre than row 2's middle.
        (
            "the middle of the next row before a side",
            &two_rows,
            front_middle_taken,
            query(3),
            Some((labels(&["2;4", "2;5", "2;6"]), false)),
        ),
        (
            "a row too full goes to the next",
            &two_rows,
            row_one_almost_full,
            query(3),
            Some((labels(&["2;4", "2;5", "2;6"]), false)),
        ),
        // Places 1–3 and 8–10 are left: mirror images; the tie goes to the
        // seats first in the layout.
        (
            "beside taken seats, then the tie rule",
            &ten,
            middle_taken.clone(),
            query(3),
            Some((labels(&["1;1", "1;2", "1;3"]), false)),
        ),
        // 1–4 are free: 2–3 would leave 1 alone at the row's end and 4 alone
        // beside the taken 5.
        (
            "no single left at the row's end or by taken seats",
            &ten,
            five_to_seven_taken,
            query(2),
            Some((labels(&["1;3", "1;4"]), false)),
        ),
        // 1–3 free: any 2 of them leave the third alone; the nearest is taken.
        ("a stranded single when it cannot be helped", &ten, middle_taken, query(2), Some((labels(&["1;2", "1;3"]), true))),
        // 2–4 would strand both 1 and 5.
        (
            "the middle of five would strand both ends",
            &five,
            vec![true; 5],
            query(3),
            Some((labels(&["1;1", "1;2", "1;3"]), false)),
        ),
        (
            "a single stranded only when every block strands one",
            &four,
            vec![true; 4],
            query(3),
            Some((labels(&["1;1", "1;2", "1;3"]), true)),
        ),
        ("the whole row", &four, vec![true; 4], query(4), Some((labels(&["1;1", "1;2", "1;3", "1;4"]), false))),
        ("more than a row holds", &four, vec![true; 4], query(5), None),
        ("nothing free", &four, vec![false; 4], query(1), None),
        ("no seats asked", &four, vec![true; 4], query(0), None),
    ];
    for (name, layout, available, query, expected) in cases {
        assert_eq!(chosen(layout, &available, query), expected, "{name}");
    }
}

#[test]
fn aisles_and_missing_seats_split_a_row() {
    // Places 1–4, an aisle of 3 seat widths, places 5–8.
    let mut with_aisle = straight_row(0, "1", 1..=4, 0.0, 0.0);
    with_aisle.extend(straight_row(0, "1", 5..=8, 140.0, 0.0));
    let with_aisle = layout(vec![zone("1", 100)], with_aisle);
    assert_eq!(chosen(&with_aisle, &[true; 8], query(5)), None, "a block never crosses the aisle");
    assert_eq!(chosen(&with_aisle, &[true; 8], query(4)), Some((labels(&["1;1", "1;2", "1;3", "1;4"]), false)));
    // A generated plan closes up numbering gaps: 1 2 3 7 8 9 at even spacing.
    let mut closed_up = straight_row(0, "1", 1..=3, 0.0, 0.0);
    closed_up.extend(straight_row(0, "1", 7..=9, 60.0, 0.0));
    let closed_up = layout(vec![zone("1", 100)], closed_up);
    assert_eq!(chosen(&closed_up, &[true; 6], query(4)), None, "places 4–6 do not exist");
    assert!(chosen(&closed_up, &[true; 6], query(3)).is_some());
    // Numbered odd left of the centre, even right of it: 5 3 1 2 4 6 sit together.
    let odd_even: Vec<Seat> = ["5", "3", "1", "2", "4", "6"]
        .iter()
        .enumerate()
        .map(|(at, place)| seat(0, "1", place, 20.0 * at as f32, 0.0, 100))
        .collect();
    let odd_even = layout(vec![zone("1", 100)], odd_even);
    assert_eq!(
        chosen(&odd_even, &[true; 6], query(6)).map(|(seats, _)| seats),
        Some(labels(&["1;5", "1;3", "1;1", "1;2", "1;4", "1;6"]))
    );
    // A balcony along a wall runs top to bottom; the layout lists it shuffled.
    let balcony: Vec<Seat> =
        [3, 1, 4, 2].iter().map(|&place| seat(0, "1", &place.to_string(), 0.0, 20.0 * place as f32, 100)).collect();
    let balcony = layout(vec![zone("1", 100)], balcony);
    assert_eq!(chosen(&balcony, &[true; 4], query(4)).map(|(seats, _)| seats), Some(labels(&["1;1", "1;2", "1;3", "1;4"])));
}

#[test]
fn zones_and_free_places() {
    // Zone 0 in front, zone 1 behind; the same row labels in both.
    let mut seats = straight_row(0, "1", 1..=6, 0.0, 0.0);
    seats.extend(straight_row(1, "1", 1..=6, 0.0, 40.0));
    let mut hall = layout(vec![zone("a", 100), zone("b", 100)], seats);
    let in_zone = |zone| BestSeatsQuery { zone: Some(zone), ..query(2) };
    let zone_of = |hall: &Layout, best: Option<BestSeats>| {
        best.map(|best| best.seats.iter().map(|&index| hall.seats[index].zone).collect::<Vec<_>>())
    };
    assert_eq!(zone_of(&hall, best_seats(&hall, &[true; 12], query(2))), Some(vec![0, 0]));
    assert_eq!(zone_of(&hall, best_seats(&hall, &[true; 12], in_zone(1))), Some(vec![1, 1]));
    assert_eq!(best_seats(&hall, &[true; 12], in_zone(2)), None, "a zone without seats has no block");
    // The front zone priced 0: sold only to a partner that allows free places.
    for seat in hall.seats.iter_mut().filter(|seat| seat.zone == 0) {
        seat.price = Money::rub_minor(0);
    }
    assert_eq!(zone_of(&hall, best_seats(&hall, &[true; 12], query(2))), Some(vec![1, 1]));
    let free_allowed = BestSeatsQuery { free_seats_allowed: true, ..query(2) };
    assert_eq!(zone_of(&hall, best_seats(&hall, &[true; 12], free_allowed)), Some(vec![0, 0]));
    // Missing availability flags count as taken.
    assert_eq!(best_seats(&hall, &[], query(1)), None);
}

/// splitmix64: small, seeded, the same on every machine.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }
    fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }
}

/// A generated hall and its truth: the sections (layout indices in row
/// order) as they were built.
struct GeneratedHall {
    layout: Layout,
    sections: Vec<Vec<usize>>,
}

/// 1–3 zones, each a block of 1–5 rows; a row is straight or gently curved,
/// runs across or (a balcony) down; it has 1–3 sections split by an aisle
/// with numbering going on, an aisle with numbering jumping, or only a jump
/// (a generated plan); or one section numbered odd left / even right. Some
/// zones are priced 0. The layout lists the seats shuffled.
fn generated_hall(random: &mut Random) -> GeneratedHall {
    let zone_count = random.between(1, 3) as u16;
    let mut zones = Vec::new();
    let mut seats: Vec<Seat> = Vec::new();
    let mut sections: Vec<Vec<usize>> = Vec::new();
    for zone_index in 0..zone_count {
        let price = if random.percent(15) { 0 } else { 100 * random.between(1, 50) as i64 };
        zones.push(zone(&format!("z{zone_index}"), price));
        let downwards = random.percent(20);
        let pitch = random.between(16, 26) as f32;
        let origin = (random.between(0, 400) as f32, 300.0 * f32::from(zone_index) + random.between(0, 50) as f32);
        let curve = if !downwards && random.percent(40) { 0.0003 } else { 0.0 };
        for row in 1..=random.between(1, 5) {
            let row_label = row.to_string();
            let across = origin.1 + (row as f32) * 30.0;
            let odd_even = random.percent(15);
            let section_count = if odd_even { 1 } else { random.between(1, 3) };
            let mut along = 0.0_f32;
            let mut place = 1_i64;
            let mut row_seats: Vec<(Seat, usize)> = Vec::new();
            for section_number in 0..section_count {
                if section_number > 0 {
                    match random.below(3) {
                        0 => along += pitch * 3.0,
                        1 => {
                            along += pitch * 3.0;
                            place += random.between(1, 4) as i64;
                        }
                        _ => {
                            along += pitch;
                            place += random.between(1, 4) as i64;
                        }
                    }
                }
                let length = if odd_even {
                    random.between(4, 9)
                } else if section_count == 1 {
                    random.between(1, 9)
                } else {
                    random.between(2, 9)
                };
                let section_id = sections.len();
                sections.push(Vec::new());
                for position in 0..length {
                    let place_label = if odd_even {
                        let left = length.div_ceil(2);
                        if position < left { 2 * (left - position) - 1 } else { 2 * (position - left + 1) }.to_string()
                    } else {
                        place.to_string()
                    };
                    let bend = curve * (along - 80.0) * (along - 80.0);
                    let (x, y) =
                        if downwards { (origin.0 + across, origin.1 + along) } else { (origin.0 + along, across + bend) };
                    row_seats.push((seat(zone_index, &row_label, &place_label, x, y, price), section_id));
                    along += pitch;
                    place += 1;
                }
            }
            for (seat, section_id) in row_seats {
                sections[section_id].push(seats.len());
                seats.push(seat);
            }
        }
    }
    // Shuffle the layout's order (Fisher–Yates), renumbering the truth.
    let mut order: Vec<usize> = (0..seats.len()).collect();
    for last in (1..order.len()).rev() {
        order.swap(last, random.below(last as u64 + 1) as usize);
    }
    let mut new_index = vec![0; seats.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let shuffled = order.iter().map(|&old| seats[old].clone()).collect();
    for section in &mut sections {
        for index in section.iter_mut() {
            *index = new_index[*index];
        }
    }
    GeneratedHall { layout: layout(zones, shuffled), sections }
}

/// Every block the truth allows, with whether it strands a single: the
/// oracle, by brute force over the generator's sections.
fn every_block(hall: &GeneratedHall, available: &[bool], query: BestSeatsQuery) -> Vec<(Vec<usize>, bool)> {
    let sellable = |index: usize| {
        let seat = &hall.layout.seats[index];
        available[index] && query.zone.is_none_or(|zone| zone == seat.zone) && (query.free_seats_allowed || seat.price.minor > 0)
    };
    let mut blocks = Vec::new();
    for section in &hall.sections {
        let free: Vec<bool> = section.iter().map(|&index| sellable(index)).collect();
        for start in 0..section.len() {
            let end = start + query.count;
            if end > section.len() || !free[start..end].iter().all(|&free| free) {
                continue;
            }
            let alone = |position: Option<usize>, beyond: Option<usize>| {
                position.is_some_and(|position| free[position]) && beyond.is_none_or(|beyond| !free[beyond])
            };
            let left_single = alone(start.checked_sub(1), start.checked_sub(2));
            let right_single = alone(Some(end).filter(|&at| at < section.len()), Some(end + 1).filter(|&at| at < section.len()));
            blocks.push((section[start..end].to_vec(), left_single || right_single));
        }
    }
    blocks
}

#[test]
fn properties_over_generated_halls() {
    let mut random = Random(0x5EA7_5EA7);
    let mut found = 0;
    let mut stranded = 0;
    for case in 0..1_000 {
        let hall = generated_hall(&mut random);
        let density = [30, 60, 90, 100][random.below(4) as usize];
        let available: Vec<bool> = (0..hall.layout.seats.len()).map(|_| random.percent(density)).collect();
        let zone = random.percent(40).then(|| random.below(hall.layout.zones.len() as u64 + 1) as u16);
        let query = BestSeatsQuery { count: random.between(1, 6) as usize, zone, free_seats_allowed: random.percent(50) };
        let oracle = every_block(&hall, &available, query);
        let best = best_seats(&hall.layout, &available, query);
        let context = format!("case {case}: {query:?}, {} seats", hall.layout.seats.len());

        // Determinism: the same question, the same answer.
        assert_eq!(best_seats(&hall.layout.clone(), &available.clone(), query), best, "{context}");
        // None exactly when no block exists.
        let Some(best) = best else {
            assert!(oracle.is_empty(), "{context}: missed {:?}", oracle[0]);
            continue;
        };
        found += 1;
        // Adjacency: the block is N consecutive seats of one true section,
        // all sellable (so in the zone asked, and priced if need be).
        let Some(&(_, strands)) = oracle.iter().find(|(block, _)| *block == best.seats) else {
            panic!("{context}: {:?} is not N adjacent sellable seats of one row", best.seats);
        };
        assert_eq!(best.seats.len(), query.count, "{context}");
        assert_eq!(best.strands_a_single, strands, "{context}");
        if let Some(zone) = query.zone {
            assert!(best.seats.iter().all(|&index| hall.layout.seats[index].zone == zone), "{context}");
        }
        // No stranded single when it can be avoided.
        if strands {
            stranded += 1;
            assert!(oracle.iter().all(|(_, strands)| *strands), "{context}: a block without a stranded seat existed");
        }
        // Nothing of the same class is nearer the stage.
        let stage = stage_centre(&hall.layout.seats).unwrap();
        let distance = block_distance(&hall.layout, &best.seats, stage);
        for (block, block_strands) in &oracle {
            if *block_strands == strands {
                assert!(block_distance(&hall.layout, block, stage) >= distance, "{context}: {block:?} is nearer");
            }
        }
    }
    // The generator exercises both outcomes and the fallback.
    assert!(found > 300 && found < 1_000, "{found} of 1000 found a block");
    assert!(stranded > 10, "{stranded} chose a stranding block");
}

#[test]
fn row_sections_follow_the_truth_of_generated_halls() {
    let mut random = Random(42);
    for case in 0..300 {
        let hall = generated_hall(&mut random);
        let mut expected = hall.sections.clone();
        let mut actual = row_sections(&hall.layout);
        expected.sort();
        actual.sort();
        assert_eq!(actual, expected, "case {case}");
    }
}
