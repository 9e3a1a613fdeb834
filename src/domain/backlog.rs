//! The one global backlog order (domain.md 3.2): who may change it, where a move lands, and
//! the key it gets. The product owner owns the order; team views are filters of it.

use super::error::DomainError;
use super::event::Event;
use super::ids::ItemId;
use super::policy::Actor;
use super::rank;
use chrono::{DateTime, Utc};
use serde_json::json;

/// Where to move an item in the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankMove {
    Top,
    Bottom,
    Before(ItemId),
    After(ItemId),
    Up(u32),
    Down(u32),
}

impl RankMove {
    pub fn describe(&self) -> String {
        match self {
            RankMove::Top => "to the top".into(),
            RankMove::Bottom => "to the bottom".into(),
            RankMove::Before(id) => format!("before {id}"),
            RankMove::After(id) => format!("after {id}"),
            RankMove::Up(n) => format!("up {n}"),
            RankMove::Down(n) => format!("down {n}"),
        }
    }
}

/// Only a product owner ranks.
pub fn authorize(actor: &Actor) -> Result<(), DomainError> {
    actor.may(&crate::domain::policy::RANK_THE_BACKLOG)
}

/// The keys of the two neighbours a moved item lands between (`None`: an end).
pub type Slot<'a> = (Option<&'a str>, Option<&'a str>);

/// Where `moving` lands: the keys of its new neighbours, or `None` when it stays put.
/// `order` is the whole order, sorted by key, including the moving item.
pub fn neighbours<'a>(
    order: &[(ItemId, &'a str)],
    moving: ItemId,
    mv: RankMove,
) -> Result<Option<Slot<'a>>, DomainError> {
    let from = position(order, moving)?;
    let rest: Vec<(ItemId, &str)> = order
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != from)
        .map(|(_, e)| *e)
        .collect();
    let slot = match mv {
        RankMove::Top => 0,
        RankMove::Bottom => rest.len(),
        RankMove::Up(n) => from.saturating_sub(n as usize),
        RankMove::Down(n) => (from + n as usize).min(rest.len()),
        RankMove::Before(x) => position(&rest, x)?,
        RankMove::After(x) => position(&rest, x)? + 1,
    };
    if slot == from {
        return Ok(None);
    }
    let lo = slot.checked_sub(1).map(|i| rest[i].1);
    let hi = rest.get(slot).map(|e| e.1);
    Ok(Some((lo, hi)))
}

fn position(order: &[(ItemId, &str)], id: ItemId) -> Result<usize, DomainError> {
    order
        .iter()
        .position(|(i, _)| *i == id)
        .ok_or_else(|| DomainError::not_found(format!("there is no item {id}")))
}

/// The key for a slot between two neighbours.
pub fn key_between(lo: Option<&str>, hi: Option<&str>) -> String {
    rank::between(lo, hi)
}

/// The audit event of a move.
pub fn moved(
    id: ItemId,
    from_key: &str,
    to_key: &str,
    how: RankMove,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Event {
    Event::new(now, &actor.name, "item", id.to_string(), "rank")
        .from_to(from_key, to_key)
        .details(json!({ "move": how.describe() }))
}

/// Where the row at index `k` stands after the row at `from` moved to `to` (removed, then
/// inserted); the moved row itself goes to `to`. Views that hold indices into the board's rows follow
/// a move with this instead of walking every row again.
pub fn follow(k: usize, from: usize, to: usize) -> usize {
    if k == from {
        to
    } else if from < to && k > from && k <= to {
        k - 1
    } else if to < from && k >= to && k < from {
        k + 1
    } else {
        k
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use proptest::prelude::*;

    fn order_of(n: usize) -> Vec<(ItemId, String)> {
        rank::spaced(n)
            .into_iter()
            .enumerate()
            .map(|(i, k)| (ItemId(i as u32 + 1), k))
            .collect()
    }

    fn apply(order: &mut [(ItemId, String)], id: ItemId, mv: RankMove) {
        let view: Vec<(ItemId, &str)> = order.iter().map(|(i, k)| (*i, k.as_str())).collect();
        if let Some((lo, hi)) = neighbours(&view, id, mv).unwrap() {
            let key = key_between(lo, hi);
            let e = order.iter_mut().find(|(i, _)| *i == id).unwrap();
            e.1 = key;
            order.sort_by(|a, b| a.1.cmp(&b.1));
        }
    }

    fn ids(order: &[(ItemId, String)]) -> Vec<u32> {
        order.iter().map(|(i, _)| i.0).collect()
    }

    #[test]
    fn moving_to_the_top_puts_the_item_first() {
        let mut o = order_of(5);
        apply(&mut o, ItemId(4), RankMove::Top);
        assert_eq!(ids(&o), [4, 1, 2, 3, 5]);
    }

    #[test]
    fn before_and_after_land_beside_the_named_item() {
        let mut o = order_of(5);
        apply(&mut o, ItemId(1), RankMove::After(ItemId(3)));
        assert_eq!(ids(&o), [2, 3, 1, 4, 5]);
        apply(&mut o, ItemId(5), RankMove::Before(ItemId(2)));
        assert_eq!(ids(&o), [5, 2, 3, 1, 4]);
    }

    #[test]
    fn up_and_down_stop_at_the_ends() {
        let mut o = order_of(3);
        apply(&mut o, ItemId(2), RankMove::Up(9));
        assert_eq!(ids(&o), [2, 1, 3]);
        apply(&mut o, ItemId(2), RankMove::Down(9));
        assert_eq!(ids(&o), [1, 3, 2]);
    }

    #[test]
    fn a_move_that_changes_nothing_writes_nothing() {
        let o = order_of(3);
        let view: Vec<(ItemId, &str)> = o.iter().map(|(i, k)| (*i, k.as_str())).collect();
        assert_eq!(neighbours(&view, ItemId(1), RankMove::Top), Ok(None));
        assert_eq!(neighbours(&view, ItemId(3), RankMove::Down(1)), Ok(None));
    }

    #[test]
    fn only_a_product_owner_ranks() {
        let dev = Actor {
            name: "tom".into(),
            roles: vec![Role::Developer],
            automation: false,
        };
        let err = authorize(&dev).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Only a product-owner may rank the backlog; tom is developer. Ask one to do it."
        );
    }

    fn a_move() -> impl Strategy<Value = (u32, u8, u32)> {
        (1u32..=12, 0u8..6, 1u32..=12)
    }

    proptest! {
        #[test]
        fn any_sequence_of_moves_keeps_a_strict_total_order(moves in prop::collection::vec(a_move(), 1..200)) {
            let mut o = order_of(12);
            for (id, how, other) in moves {
                let mv = match how {
                    0 => RankMove::Top,
                    1 => RankMove::Bottom,
                    2 => RankMove::Up(other % 4 + 1),
                    3 => RankMove::Down(other % 4 + 1),
                    4 if other != id => RankMove::Before(ItemId(other)),
                    5 if other != id => RankMove::After(ItemId(other)),
                    _ => RankMove::Top,
                };
                let before = ids(&o);
                apply(&mut o, ItemId(id), mv);
                prop_assert!(o.windows(2).all(|w| w[0].1 < w[1].1), "not strict: {:?}", o);
                prop_assert!(o.iter().all(|(_, k)| rank::is_valid(k)));
                let mut sorted = ids(&o);
                sorted.sort();
                prop_assert_eq!(sorted, (1..=12).collect::<Vec<_>>());
                // The others keep their relative order.
                let others = |v: &[u32]| v.iter().copied().filter(|x| *x != id).collect::<Vec<_>>();
                prop_assert_eq!(others(&before), others(&ids(&o)));
            }
        }
    }
}
