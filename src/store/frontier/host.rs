//! One host's queue in one crawl: lanes of segments on disk, cursors in memory.
//!
//! A host's pending URLs wait in [`LANES`] lanes, one per priority: lane 0 holds the start
//! URLs (seeds, feeds, sitemaps) and what feeds and sitemaps list, lane `d` the links found
//! `d` steps from a seed (the last lane everything deeper), so a host is crawled seeds
//! first, then breadth-first. Each lane is a FIFO of segments of [`SEG_ENTRIES`] entries,
//! numbered from 0; a position is (segment, offset) and a [`Ticket`](crate::store::Ticket)
//! packs lane and position. What is durable per host is its [`Cursor`]: each lane's head
//! (the first entry not yet completed) and tail (where the next one goes), the entries
//! completed out of order ahead of a head, and two counts. The decisions on it are the
//! plain functions of this module.

use std::collections::BTreeSet;

use crate::store::record::{DiscoveredVia, FrontierEntry};

/// Priority lanes per host.
pub const LANES: usize = 8;
/// Entries per segment: a sealed segment is a few kilobytes compressed.
pub const SEG_ENTRIES: u32 = 256;

/// The lane an entry waits in.
pub fn lane_of(entry: &FrontierEntry) -> usize {
    match entry.discovered_via {
        DiscoveredVia::Seed | DiscoveredVia::Feed | DiscoveredVia::Sitemap => 0,
        _ => (entry.depth as usize).min(LANES - 1),
    }
}

/// A place in a lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Pos {
    pub seg: u64,
    pub off: u32,
}

impl Pos {
    pub fn next(self) -> Pos {
        if self.off + 1 >= SEG_ENTRIES {
            Pos {
                seg: self.seg + 1,
                off: 0,
            }
        } else {
            Pos {
                seg: self.seg,
                off: self.off + 1,
            }
        }
    }
}

const OFF_BITS: u32 = 21;
const SEG_BITS: u32 = 40;

/// Packs lane and position into a ticket id.
pub fn ticket_id(lane: usize, pos: Pos) -> u64 {
    ((lane as u64) << (OFF_BITS + SEG_BITS))
        | ((pos.seg & ((1 << SEG_BITS) - 1)) << OFF_BITS)
        | u64::from(pos.off)
}

/// Lane and position of a ticket id.
pub fn untangle(id: u64) -> (usize, Pos) {
    let lane = (id >> (OFF_BITS + SEG_BITS)) as usize;
    let seg = (id >> OFF_BITS) & ((1 << SEG_BITS) - 1);
    let off = (id & ((1 << OFF_BITS) - 1)) as u32;
    (lane.min(LANES - 1), Pos { seg, off })
}

/// Head and tail of a lane: entries at positions `head..tail` that are not in the
/// cursor's `done_ahead` are pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lane {
    pub head: Pos,
    pub tail: Pos,
}

/// The durable state of a host's queue.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cursor {
    pub lanes: [Lane; LANES],
    /// Entries not yet completed.
    pub pending: u64,
    /// URLs refused because the host had the most pending URLs allowed.
    pub dropped: u64,
    /// Tickets completed while an earlier entry of their lane was still out.
    pub done_ahead: BTreeSet<u64>,
}

/// What [`Cursor::complete`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completed {
    /// The entry is done; these segments (of the entry's lane) are now entirely done.
    Done { freed: Vec<u64> },
    /// The ticket was done already, or never pending (a stale claim): nothing changed.
    NotPending,
}

impl Cursor {
    /// Appends an entry to `lane`, returning its position.
    pub fn append(&mut self, lane: usize) -> Pos {
        let l = &mut self.lanes[lane];
        let at = l.tail;
        l.tail = at.next();
        self.pending += 1;
        at
    }

    /// Whether the entry at `ticket` is still pending.
    pub fn is_pending(&self, id: u64) -> bool {
        let (lane, pos) = untangle(id);
        let l = &self.lanes[lane];
        pos >= l.head && pos < l.tail && !self.done_ahead.contains(&id)
    }

    /// Marks the entry at `ticket` done and moves its lane's head past every done entry.
    pub fn complete(&mut self, id: u64) -> Completed {
        if !self.is_pending(id) {
            return Completed::NotPending;
        }
        self.pending -= 1;
        let (lane, pos) = untangle(id);
        let l = &mut self.lanes[lane];
        if pos != l.head {
            self.done_ahead.insert(id);
            return Completed::Done { freed: Vec::new() };
        }
        let mut freed = Vec::new();
        let mut head = pos;
        loop {
            let next = head.next();
            if next.seg != head.seg {
                freed.push(head.seg);
            }
            head = next;
            if head >= l.tail || !self.done_ahead.remove(&ticket_id(lane, head)) {
                break;
            }
        }
        l.head = head;
        Completed::Done { freed }
    }
}

/// Whether a stored part of an open segment, at `place` (lane, segment) of a host with
/// `cursor`, is stale: its segment is no longer its lane's open one (sealed, its entries
/// in a sealed segment written in the same batch as the cursor that moved past it), or
/// the place or the host is unknown. Parts are removed after the batch that seals their
/// segment, so a crash in between leaves stale parts, which a resume removes.
pub fn part_is_stale(cursor: Option<&Cursor>, place: Option<(u8, u64)>) -> bool {
    match (cursor, place) {
        (Some(cursor), Some((lane, seg))) => cursor
            .lanes
            .get(usize::from(lane))
            .is_none_or(|l| seg < l.tail.seg),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(seg: u64, off: u32) -> Pos {
        Pos { seg, off }
    }

    #[test]
    fn tickets_pack_lane_and_position() {
        for (lane, p) in [
            (0, pos(0, 0)),
            (7, pos((1 << 40) - 1, SEG_ENTRIES - 1)),
            (3, pos(12345, 17)),
        ] {
            assert_eq!(untangle(ticket_id(lane, p)), (lane, p));
        }
    }

    #[test]
    fn lanes_follow_origin_then_depth() {
        let entry = |via, depth| FrontierEntry {
            url: "https://h.test/".into(),
            host: "h.test".into(),
            depth,
            discovered_from: None,
            discovered_via: via,
            counter_chain: 0,
        };
        let cases = [
            (DiscoveredVia::Seed, 0, 0),
            (DiscoveredVia::Feed, 3, 0),
            (DiscoveredVia::Sitemap, 1, 0),
            (DiscoveredVia::Link, 1, 1),
            (DiscoveredVia::Link, 6, 6),
            (DiscoveredVia::Link, 40, LANES - 1),
            (DiscoveredVia::Redirect, 2, 2),
        ];
        for (via, depth, lane) in cases {
            assert_eq!(lane_of(&entry(via, depth)), lane, "{via:?} at {depth}");
        }
    }

    #[test]
    fn completing_in_order_frees_whole_segments() {
        let mut c = Cursor::default();
        let n = SEG_ENTRIES as usize * 2 + 3;
        let ids: Vec<u64> = (0..n).map(|_| ticket_id(2, c.append(2))).collect();
        assert_eq!(c.pending, n as u64);
        let mut freed = Vec::new();
        for &id in &ids {
            match c.complete(id) {
                Completed::Done { freed: f } => freed.extend(f),
                Completed::NotPending => panic!("{id} was pending"),
            }
        }
        assert_eq!(freed, [0, 1], "the tail segment is never freed");
        assert_eq!(c.pending, 0);
        assert_eq!(c.lanes[2].head, c.lanes[2].tail);
        assert!(c.done_ahead.is_empty());
        assert_eq!(c.complete(ids[0]), Completed::NotPending);
    }

    #[test]
    fn out_of_order_completions_wait_ahead_of_the_head() {
        // Table: order of completion of five entries → head offset after each step and
        // the size of done_ahead.
        type Case<'a> = (&'a [usize], &'a [(u32, usize)]);
        let cases: &[Case<'_>] = &[
            (&[1, 2, 0], &[(0, 1), (0, 2), (3, 0)]),
            (&[0, 2, 1, 4, 3], &[(1, 0), (1, 1), (3, 0), (3, 1), (5, 0)]),
            (&[4, 3, 2, 1, 0], &[(0, 1), (0, 2), (0, 3), (0, 4), (5, 0)]),
        ];
        for &(order, steps) in cases {
            let mut c = Cursor::default();
            let ids: Vec<u64> = (0..5).map(|_| ticket_id(1, c.append(1))).collect();
            for (&i, &(head, ahead)) in order.iter().zip(steps) {
                assert!(matches!(c.complete(ids[i]), Completed::Done { .. }));
                assert_eq!(
                    (c.lanes[1].head.off, c.done_ahead.len()),
                    (head, ahead),
                    "{order:?} at {i}"
                );
                assert_eq!(c.complete(ids[i]), Completed::NotPending, "twice");
            }
            assert_eq!(c.pending, 5 - order.len() as u64);
        }
    }

    #[test]
    fn parts_of_past_segments_are_stale() {
        let mut c = Cursor::default();
        // Lane 1: segment 0 sealed, 3 entries in the open segment 1; lane 2: exactly
        // one full segment, so its open segment 1 has no entries yet.
        for _ in 0..SEG_ENTRIES + 3 {
            c.append(1);
        }
        for _ in 0..SEG_ENTRIES {
            c.append(2);
        }
        // Table: place (lane, segment) → stale.
        let cases = [
            (Some((1, 0)), true),
            (Some((1, 1)), false),
            (Some((2, 0)), true),
            (Some((2, 1)), false),
            (Some((0, 0)), false),
            (Some((LANES as u8, 0)), true),
            (None, true),
        ];
        for (place, stale) in cases {
            assert_eq!(part_is_stale(Some(&c), place), stale, "{place:?}");
        }
        assert!(part_is_stale(None, Some((1, 1))), "unknown host");
    }

    #[test]
    fn stale_and_foreign_tickets_change_nothing() {
        let mut c = Cursor::default();
        c.append(0);
        let before = c.clone();
        for id in [
            ticket_id(0, pos(0, 5)),
            ticket_id(3, pos(0, 0)),
            ticket_id(0, pos(9, 0)),
        ] {
            assert_eq!(c.complete(id), Completed::NotPending);
        }
        assert_eq!(c, before);
    }
}
