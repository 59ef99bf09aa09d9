//! "N best seats": the block of seats a buyer gets when they ask for a number
//! of seats instead of picking them (`POST /v1/holds` with `best`).
//!
//! Pure: the layout, one availability flag per layout seat and the question
//! in; layout seat indices out. The same input always gives the same answer.
//!
//! The rules, in the order they decide:
//!
//! 1. **A block is N adjacent seats of one row.** A row is the seats of one
//!    zone with the same row label (two zones' "row 1", such as the left and
//!    right balconies, are different rows). A row's seats are put in order
//!    along its longer extent (by x when the row is wider than tall, else by
//!    y: balconies along a wall run top to bottom), and two neighbours in
//!    that order are *adjacent* unless there is an aisle or a missing seat
//!    between them:
//!    - an aisle: their centres are more than 1.5 × the row's usual spacing
//!      (the median distance between neighbours) apart;
//!    - a missing seat: both places are whole numbers and they differ by 0
//!      or by more than the row's usual step (the median difference of
//!      neighbouring places: 1, or 2 in a row numbered odd on one side and
//!      even on the other). Generated plans (no upstream coordinates) close
//!      up gaps in numbering, so this is what finds them there.
//!
//!    An aisle or missing seat splits the row into *sections*; a block lies
//!    in one section.
//! 2. **Only seats that can be sold now**: available, in the zone asked for
//!    (if any), and not priced 0 unless the partner sells free places.
//! 3. **No stranded single seat when it can be helped.** A block that
//!    leaves exactly one sellable seat between itself and a taken seat, an
//!    aisle or the row's end is chosen only when every possible block does.
//! 4. **Nearest to the stage.** Plans are drawn with the stage at the top
//!    (the upstream schemes as QTickets draws them; generated plans put row 1
//!    at the top), so the stage centre is the point at the horizontal middle
//!    of all seats, level with the topmost seat. Blocks are compared by the
//!    distance of their centre (the mean of their seat centres) from it, in
//!    hundredths of a layout unit.
//! 5. **Ties** (mirror-image blocks left and right of the centre) go to the
//!    block whose seats come first in the layout's seat order (compared as
//!    sorted index lists), so the answer never depends on iteration order.

use std::collections::BTreeMap;

use ticket_contract::{Layout, Seat};

/// What the buyer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BestSeatsQuery {
    /// How many seats, side by side (at least 1).
    pub count: usize,
    /// Only seats of this zone (index into `Layout::zones`); `None` = anywhere.
    pub zone: Option<u16>,
    /// Whether seats priced 0 may be sold to this partner.
    pub free_seats_allowed: bool,
}

/// The chosen block of seats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BestSeats {
    /// Layout seat indices, in the row's order (left to right, or top to
    /// bottom along a wall).
    pub seats: Vec<usize>,
    /// Whether the block leaves one seat stranded (only when every block
    /// would).
    pub strands_a_single: bool,
}

/// How much further than the usual spacing neighbours may be and still sit
/// side by side.
const AISLE_FACTOR: f64 = 1.5;

/// The best block for `query` in a hall whose seat `i` is free when
/// `available[i]` (missing flags count as taken), or `None` when the hall has
/// no such block.
pub fn best_seats(layout: &Layout, available: &[bool], query: BestSeatsQuery) -> Option<BestSeats> {
    if query.count == 0 {
        return None;
    }
    let stage = stage_centre(&layout.seats)?;
    let sellable = |index: usize| {
        let seat = &layout.seats[index];
        available.get(index).copied().unwrap_or(false)
            && query.zone.is_none_or(|zone| seat.zone == zone)
            && (query.free_seats_allowed || seat.price.minor > 0)
    };
    let mut best: Option<(Candidate, Vec<usize>)> = None;
    for section in row_sections(layout) {
        // Runs of sellable seats within the section.
        let mut start = 0;
        while start < section.len() {
            if !sellable(section[start]) {
                start += 1;
                continue;
            }
            let mut end = start;
            while end < section.len() && sellable(section[end]) {
                end += 1;
            }
            let run = &section[start..end];
            let blocks = (run.len() + 1).saturating_sub(query.count);
            for offset in 0..blocks {
                let block = &run[offset..offset + query.count];
                let left = offset;
                let right = run.len() - offset - query.count;
                let candidate = Candidate::new(layout, block, left == 1 || right == 1, stage);
                if best.as_ref().is_none_or(|(chosen, _)| candidate < *chosen) {
                    best = Some((candidate, block.to_vec()));
                }
            }
            start = end;
        }
    }
    best.map(|(candidate, seats)| BestSeats { seats, strands_a_single: candidate.strands_a_single })
}

/// The stage centre as rule 4 places it, `None` for a hall without seats.
pub fn stage_centre(seats: &[Seat]) -> Option<(f64, f64)> {
    let first = seats.first()?;
    let (mut left, mut right, mut top) = (f64::from(first.x), f64::from(first.x), f64::from(first.y));
    for seat in seats {
        left = left.min(f64::from(seat.x));
        right = right.max(f64::from(seat.x));
        top = top.min(f64::from(seat.y));
    }
    Some(((left + right) / 2.0, top))
}

/// Distance of a block's centre from `stage`, in hundredths of a layout unit.
pub fn block_distance(layout: &Layout, block: &[usize], stage: (f64, f64)) -> i64 {
    let count = block.len().max(1) as f64;
    let (sum_x, sum_y) = block
        .iter()
        .fold((0.0, 0.0), |(x, y), &index| (x + f64::from(layout.seats[index].x), y + f64::from(layout.seats[index].y)));
    let (centre_x, centre_y) = (sum_x / count, sum_y / count);
    ((centre_x - stage.0).hypot(centre_y - stage.1) * 100.0).round() as i64
}

/// One possible block, ordered best first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    strands_a_single: bool,
    distance: i64,
    /// The block's layout indices, sorted: the tie-break.
    sorted_indices: Vec<usize>,
}

impl Candidate {
    fn new(layout: &Layout, block: &[usize], strands_a_single: bool, stage: (f64, f64)) -> Candidate {
        let mut sorted_indices = block.to_vec();
        sorted_indices.sort_unstable();
        Candidate { strands_a_single, distance: block_distance(layout, block, stage), sorted_indices }
    }
}

/// Every row section of the hall (rule 1): layout seat indices in row order,
/// each neighbour adjacent to the next. Rows come in (zone, row label) order.
pub fn row_sections(layout: &Layout) -> Vec<Vec<usize>> {
    let mut rows: BTreeMap<(u16, &str), Vec<usize>> = BTreeMap::new();
    for (index, seat) in layout.seats.iter().enumerate() {
        rows.entry((seat.zone, seat.row.trim())).or_default().push(index);
    }
    let mut sections = Vec::new();
    for (_, mut row) in rows {
        order_along_row(&layout.seats, &mut row);
        split_at_gaps(&layout.seats, row, &mut sections);
    }
    sections
}

/// Sorts a row's seats along its longer extent (ties: the other axis, then
/// layout order).
fn order_along_row(seats: &[Seat], row: &mut [usize]) {
    let extent = |coordinate: fn(&Seat) -> f32| {
        let values = row.iter().map(|&index| f64::from(coordinate(&seats[index])));
        let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), value| (low.min(value), high.max(value)));
        high - low
    };
    let along_x = extent(|seat| seat.x) >= extent(|seat| seat.y);
    row.sort_by(|&left, &right| {
        let (a, b) = (&seats[left], &seats[right]);
        let (first, second) = if along_x { ((a.x, b.x), (a.y, b.y)) } else { ((a.y, b.y), (a.x, b.x)) };
        first.0.total_cmp(&first.1).then(second.0.total_cmp(&second.1)).then(left.cmp(&right))
    });
}

/// Cuts an ordered row where neighbours are not adjacent.
fn split_at_gaps(seats: &[Seat], row: Vec<usize>, sections: &mut Vec<Vec<usize>>) {
    let spacing: Vec<f64> = row
        .windows(2)
        .map(|pair| {
            let (a, b) = (&seats[pair[0]], &seats[pair[1]]);
            f64::from(a.x - b.x).hypot(f64::from(a.y - b.y))
        })
        .collect();
    let usual_spacing = median(&spacing);
    let places: Option<Vec<i64>> = row.iter().map(|&index| seats[index].place.trim().parse::<i64>().ok()).collect();
    let steps: Option<Vec<f64>> =
        places.as_ref().map(|places| places.windows(2).map(|pair| (pair[1] - pair[0]).unsigned_abs() as f64).collect());
    let usual_step = steps.as_deref().and_then(median).map(|step| step.max(1.0));

    let mut section = Vec::new();
    for (position, &index) in row.iter().enumerate() {
        if position > 0 {
            let aisle = usual_spacing.is_some_and(|usual| usual > 0.0 && spacing[position - 1] > usual * AISLE_FACTOR);
            let missing_seat = match (&steps, usual_step) {
                (Some(steps), Some(usual)) => steps[position - 1] == 0.0 || steps[position - 1] > usual,
                _ => false,
            };
            if aisle || missing_seat {
                sections.push(std::mem::take(&mut section));
            }
        }
        section.push(index);
    }
    if !section.is_empty() {
        sections.push(section);
    }
}

/// The lower median, `None` for no values.
fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some(sorted[(sorted.len() - 1) / 2])
}

#[cfg(test)]
mod tests;
