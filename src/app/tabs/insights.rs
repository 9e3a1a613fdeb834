//! The Insights tab: delivery, flow, the cost of the controls and escaped defects over a period
//! of 4, 12, 26 or 52 weeks, computed by the shell when the tab asks and scrolled here.

use crate::app::keymap::Command;
use crate::app::{AppState, Effect};
use crate::domain::insights::Insights;

/// The periods the tab looks back over, in weeks.
const PERIODS: [u16; 4] = [4, 12, 26, 52];

/// What the tab shows: the insights once computed, how far it is scrolled, and its period.
#[derive(Debug, Clone, PartialEq)]
pub struct InsightsView {
    pub data: Option<Box<Insights>>,
    pub scroll: u16,
    /// How many weeks it looks back: 4, 12, 26 or 52.
    pub weeks: u16,
}

impl Default for InsightsView {
    fn default() -> Self {
        InsightsView {
            data: None,
            scroll: 0,
            weeks: 12,
        }
    }
}

/// The tab's answer to a key, or `None` when the key is not the tab's.
pub(crate) fn key(s: &mut AppState, cmd: Command) -> Option<Vec<Effect>> {
    let v = &mut s.insights;
    match cmd {
        Command::Down => v.scroll = v.scroll.saturating_add(1),
        Command::Up => v.scroll = v.scroll.saturating_sub(1),
        Command::First => v.scroll = 0,
        Command::NextPeriod | Command::PrevPeriod => {
            let at = PERIODS.iter().position(|w| *w == v.weeks).unwrap_or(1);
            let at = if cmd == Command::NextPeriod {
                (at + 1).min(PERIODS.len() - 1)
            } else {
                at.saturating_sub(1)
            };
            v.weeks = PERIODS[at];
            return Some(wanted(s));
        }
        _ => return None,
    }
    Some(vec![])
}

/// What the tab loads when it comes on screen: the insights over its period.
pub(crate) fn wanted(s: &AppState) -> Vec<Effect> {
    vec![Effect::LoadInsights(s.insights.weeks)]
}
