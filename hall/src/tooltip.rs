//! Where the bubble over a seat goes: centred above the seat, kept inside
//! the map box, below the seat when above would leave the map at the top.
//! The widget's `SeatTooltip` and the seat-picking stage place it alike.

/// Which seat the tooltip is about and where that seat is drawn, in pixels
/// relative to the map box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooltipAnchor {
    pub seat_index: usize,
    /// Horizontal centre of the seat.
    pub x: f64,
    /// Top and bottom edge of the seat.
    pub top: f64,
    pub bottom: f64,
    /// Width of the map box, to keep the bubble inside it.
    pub box_width: f64,
}

/// Where the bubble is drawn, relative to the map box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TooltipPlacement {
    /// The bubble's horizontal centre.
    pub left: f64,
    /// The seat edge the bubble points at.
    pub top: f64,
    /// Whether it hangs below the seat (`tw-tooltip-below`).
    pub below: bool,
}

/// Half the bubble's width budget; the bubble is centred on the seat unless
/// that would push it over the map's edge.
const HALF_WIDTH_PX: f64 = 95.0;

/// How near the map's top a seat must be for its bubble to go below it.
const ROOM_ABOVE_PX: f64 = 84.0;

impl TooltipAnchor {
    pub fn placement(&self) -> TooltipPlacement {
        let left =
            self.x.clamp(HALF_WIDTH_PX.min(self.box_width / 2.0), (self.box_width - HALF_WIDTH_PX).max(self.box_width / 2.0));
        let below = self.top < ROOM_ABOVE_PX;
        TooltipPlacement { left, top: if below { self.bottom } else { self.top }, below }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_bubble_inside_the_map() {
        let anchor = |x: f64, top: f64, box_width: f64| TooltipAnchor { seat_index: 0, x, top, bottom: top + 10.0, box_width };
        // (anchor, left, top, below)
        let cases: &[(TooltipAnchor, f64, f64, bool)] = &[
            (anchor(300.0, 200.0, 600.0), 300.0, 200.0, false),
            (anchor(20.0, 200.0, 600.0), 95.0, 200.0, false),
            (anchor(590.0, 200.0, 600.0), 505.0, 200.0, false),
            (anchor(300.0, 30.0, 600.0), 300.0, 40.0, true),
            // A map narrower than the bubble: centred in it.
            (anchor(10.0, 100.0, 150.0), 75.0, 100.0, false),
        ];
        for &(anchor, left, top, below) in cases {
            assert_eq!(anchor.placement(), TooltipPlacement { left, top, below }, "{anchor:?}");
        }
    }
}
