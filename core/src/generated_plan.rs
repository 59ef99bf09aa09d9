//! A clean seat plan for halls whose upstream gives no coordinates.
//!
//! TicketsCloud's REST listing names each seat's sector, row and number but
//! not where it is (and a QTickets scheme may lack `coords` altogether). A
//! buyer still needs a map to pick from, so we draw a schematic one: each
//! sector is a block of rows, row 1 at the top (nearest the stage), seats at a
//! fixed pitch and each row centred on the block; blocks are placed side by
//! side and wrap onto a new shelf when the plan gets too wide; each block gets
//! a caption above it.
//!
//! Seats are placed by their *position in the sorted row*, not by their
//! number: gaps in numbering close up, and even two upstream tickets claiming
//! the same seat get two distinct points.

use std::cmp::Ordering;
use std::collections::HashMap;

use ticket_contract::Label;

use crate::hall_builder::LAYOUT_MARGIN;

/// Distance between seat centres in a row.
pub const SEAT_PITCH: f32 = 24.0;
/// Distance between row centres.
pub const ROW_PITCH: f32 = 28.0;
/// Space between neighbouring blocks.
pub const BLOCK_GAP: f32 = 56.0;
/// Space above a block for its caption.
pub const CAPTION_SPACE: f32 = 36.0;
/// Shelves wrap once wider than this (or than the widest block).
pub const PREFERRED_PLAN_WIDTH: f32 = 1_200.0;

/// One seat to place: which block (index into the caption list), row, number.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSeat<'a> {
    pub block: usize,
    pub row: &'a str,
    pub place: &'a str,
}

/// Where everything went.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedPlan {
    /// Input seat indices in reading order (block, row, number): the order the
    /// layout should list them in.
    pub order: Vec<usize>,
    /// `positions[i]` is the centre of input seat `i`.
    pub positions: Vec<(f32, f32)>,
    /// One caption per block that has seats.
    pub labels: Vec<Label>,
}

/// Places `seats` into blocks captioned by `block_captions`. Seats naming a
/// block index out of range go into the last block.
pub fn generate_plan(block_captions: &[String], seats: &[PlanSeat<'_>]) -> GeneratedPlan {
    let block_count = block_captions.len().max(1);
    // Block → row key → seat indices; rows kept in first-seen order, sorted below.
    let mut rows_of_block: Vec<Vec<(String, Vec<usize>)>> = vec![Vec::new(); block_count];
    let mut row_lookup: Vec<HashMap<String, usize>> = vec![HashMap::new(); block_count];
    for (index, seat) in seats.iter().enumerate() {
        let block = seat.block.min(block_count - 1);
        let row_key = seat.row.trim().to_string();
        let row_position = *row_lookup[block].entry(row_key.clone()).or_insert_with(|| {
            rows_of_block[block].push((row_key, Vec::new()));
            rows_of_block[block].len() - 1
        });
        rows_of_block[block][row_position].1.push(index);
    }

    let mut plan =
        GeneratedPlan { order: Vec::with_capacity(seats.len()), positions: vec![(0.0, 0.0); seats.len()], labels: Vec::new() };
    let widest_block = rows_of_block
        .iter()
        .map(|rows| block_width(rows.iter().map(|(_, members)| members.len()).max().unwrap_or(0)))
        .fold(0.0_f32, f32::max);
    let shelf_limit = PREFERRED_PLAN_WIDTH.max(widest_block);

    let mut cursor_x = LAYOUT_MARGIN;
    let mut shelf_top = LAYOUT_MARGIN;
    let mut shelf_height: f32 = 0.0;
    for (block, rows) in rows_of_block.iter_mut().enumerate() {
        if rows.is_empty() {
            continue;
        }
        rows.sort_by(|left, right| natural_order(&left.0, &right.0));
        for (_, members) in rows.iter_mut() {
            members.sort_by(|&left, &right| natural_order(seats[left].place, seats[right].place).then(left.cmp(&right)));
        }
        let widest_row = rows.iter().map(|(_, members)| members.len()).max().unwrap_or(0);
        let width = block_width(widest_row);
        let height = CAPTION_SPACE + (rows.len().saturating_sub(1)) as f32 * ROW_PITCH;
        if cursor_x > LAYOUT_MARGIN && cursor_x + width > LAYOUT_MARGIN + shelf_limit {
            cursor_x = LAYOUT_MARGIN;
            shelf_top += shelf_height + BLOCK_GAP;
            shelf_height = 0.0;
        }
        let first_row_y = shelf_top + CAPTION_SPACE;
        for (row_number, (_, members)) in rows.iter().enumerate() {
            let row_width = block_width(members.len());
            let row_left = cursor_x + (width - row_width) / 2.0;
            let y = first_row_y + row_number as f32 * ROW_PITCH;
            for (seat_number, &seat_index) in members.iter().enumerate() {
                plan.positions[seat_index] = (row_left + seat_number as f32 * SEAT_PITCH, y);
                plan.order.push(seat_index);
            }
        }
        let caption = block_captions.get(block).cloned().unwrap_or_default();
        plan.labels.push(Label { text: caption, x: cursor_x + width / 2.0, y: shelf_top + CAPTION_SPACE / 3.0 });
        cursor_x += width + BLOCK_GAP;
        shelf_height = shelf_height.max(height);
    }
    plan
}

/// Width between the outermost seat centres of a row of `seats` seats.
fn block_width(seats: usize) -> f32 {
    seats.saturating_sub(1) as f32 * SEAT_PITCH
}

/// Numbers in numeric order before texts in text order: rows "2" < "10" < "A".
pub fn natural_order(left: &str, right: &str) -> Ordering {
    match (left.trim().parse::<i64>(), right.trim().parse::<i64>()) {
        (Ok(left), Ok(right)) => left.cmp(&right),
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Err(_), Err(_)) => left.cmp(right),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn seat(block: usize, row: &'static str, place: &'static str) -> PlanSeat<'static> {
        PlanSeat { block, row, place }
    }

    #[test]
    fn places_rows_centred_in_blocks_side_by_side_with_one_label_each() {
        let captions = vec!["Партер".to_string(), "Балкон".to_string()];
        let seats = vec![
            seat(0, "2", "1"),
            seat(0, "1", "3"),
            seat(0, "1", "1"),
            seat(0, "1", "2"),
            seat(1, "1", "10"),
            seat(1, "1", "9"),
        ];
        let plan = generate_plan(&captions, &seats);
        assert_eq!(plan.order, [2, 3, 1, 0, 5, 4]);
        let m = LAYOUT_MARGIN;
        assert_eq!(plan.positions[2], (m, m + CAPTION_SPACE));
        assert_eq!(plan.positions[1], (m + 2.0 * SEAT_PITCH, m + CAPTION_SPACE));
        // Row 2 has one seat: centred under row 1's three.
        assert_eq!(plan.positions[0], (m + SEAT_PITCH, m + CAPTION_SPACE + ROW_PITCH));
        // Second block starts after the first plus the gap.
        assert_eq!(plan.positions[5], (m + 2.0 * SEAT_PITCH + BLOCK_GAP, m + CAPTION_SPACE));
        let labels: Vec<(&str, f32)> = plan.labels.iter().map(|label| (label.text.as_str(), label.x)).collect();
        assert_eq!(labels, [("Партер", m + SEAT_PITCH), ("Балкон", m + 2.0 * SEAT_PITCH + BLOCK_GAP + SEAT_PITCH / 2.0)]);
        assert!(plan.labels.iter().all(|label| label.y < m + CAPTION_SPACE), "captions sit above the rows");
    }

    #[test]
    fn never_puts_two_seats_on_one_point_even_for_duplicates_and_many_blocks() {
        let captions: Vec<String> = (1..=12).map(|block| format!("Сектор {block}")).collect();
        let rows: Vec<String> = (1..=15).map(|row| row.to_string()).collect();
        let places: Vec<String> = (1..=40).map(|place| place.to_string()).collect();
        let mut seats = Vec::new();
        for block in 0..captions.len() {
            for row in &rows {
                for place in &places[..(10 + block * 2)] {
                    seats.push(PlanSeat { block, row, place });
                }
            }
        }
        seats.push(PlanSeat { block: 0, row: &rows[0], place: &places[0] }); // duplicate seat
        seats.push(PlanSeat { block: 99, row: "A", place: "x" }); // out-of-range block
        let plan = generate_plan(&captions, &seats);
        let distinct: HashSet<(u32, u32)> = plan.positions.iter().map(|(x, y)| (x.to_bits(), y.to_bits())).collect();
        assert_eq!(distinct.len(), seats.len());
        assert_eq!(plan.order.len(), seats.len());
        assert_eq!(plan.labels.len(), captions.len());
        let widest = plan.positions.iter().map(|(x, _)| *x).fold(0.0, f32::max);
        assert!(widest <= LAYOUT_MARGIN + PREFERRED_PLAN_WIDTH, "blocks wrap onto shelves: {widest}");
        assert!(plan.positions.iter().all(|(x, y)| *x >= LAYOUT_MARGIN && *y >= LAYOUT_MARGIN));
    }

    #[test]
    fn orders_naturally() {
        let mut rows = vec!["10", "2", "A", "1", "B"];
        rows.sort_by(|left, right| natural_order(left, right));
        assert_eq!(rows, ["1", "2", "10", "A", "B"]);
    }
}
