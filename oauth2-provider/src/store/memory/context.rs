//! Who a token is for and what it carries beyond its scope and expiry: the client, the subject
//! and the [`Extras`], interned, so the million tokens of one client (or the tokens of one
//! user's grant family) share one copy.

use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex, PoisonError};

use hashbrown::HashTable;

use crate::model::Extras;

/// The parts of a token record that repeat across tokens.
pub(super) struct Context {
    client_id: Box<str>,
    subject: Option<Box<str>>,
    extras: Extras,
}

impl Context {
    pub(super) fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(super) fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    pub(super) fn extras(&self) -> &Extras {
        &self.extras
    }

    pub(super) fn is(&self, client_id: &str, subject: Option<&str>, extras: &Extras) -> bool {
        *self.client_id == *client_id && self.subject() == subject && self.extras == *extras
    }
}

/// Independent locks, so that issuing to different clients or users rarely waits on one.
const STRIPES: usize = 16;

/// Below this many entries a stripe is not swept: a sweep would free next to nothing.
const SWEEP_FLOOR: usize = 64;

/// The interner. It forgets a context once no stored token holds it, at the latest when its
/// stripe has doubled since the last sweep, or at `purge_expired`: so it holds at most about
/// twice the contexts that live tokens use.
pub(super) struct Contexts {
    stripes: Box<[Mutex<Stripe>]>,
    // SipHash with a per-store key: client ids and subjects come from outside, and a chosen
    // set of them must not pile up in one bucket.
    hasher: RandomState,
}

#[derive(Default)]
struct Stripe {
    /// Each context with its hash, so a growing table does not hash them all again.
    table: HashTable<(u64, Arc<Context>)>,
    after_sweep: usize,
}

impl Default for Contexts {
    fn default() -> Self {
        Contexts {
            stripes: (0..STRIPES).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
        }
    }
}

impl Contexts {
    /// The one shared context equal to these parts.
    pub(super) fn intern(
        &self,
        client_id: &str,
        subject: Option<&str>,
        extras: &Extras,
    ) -> Arc<Context> {
        let auth = extras
            .auth()
            .map(|a| (a.auth_time, a.acr.as_deref(), a.amr.as_slice()));
        // Every part but the JSON values (authorization details, actors), which have no `Hash`:
        // contexts differing only there share a bucket and are told apart by `is`.
        let hash = self.hasher.hash_one((
            client_id,
            subject,
            extras.audience(),
            extras.confirmation(),
            extras.nonce(),
            extras.granted_at(),
            auth,
        ));
        let mut stripe = self.stripes[(hash >> 32) as usize % STRIPES]
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, found)) = stripe
            .table
            .find(hash, |(_, c)| c.is(client_id, subject, extras))
        {
            return Arc::clone(found);
        }
        if stripe.table.len() >= 2 * stripe.after_sweep.max(SWEEP_FLOOR) {
            stripe.sweep();
        }
        let context = Arc::new(Context {
            client_id: client_id.into(),
            subject: subject.map(Into::into),
            extras: extras.clone(),
        });
        stripe
            .table
            .insert_unique(hash, (hash, Arc::clone(&context)), |(h, _)| *h);
        context
    }

    /// Forgets every context no stored token holds.
    pub(super) fn sweep(&self) {
        for stripe in &self.stripes {
            stripe
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .sweep();
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        let lock = |s: &Mutex<Stripe>| s.lock().unwrap_or_else(PoisonError::into_inner).table.len();
        self.stripes.iter().map(lock).sum()
    }
}

impl Stripe {
    // A count of one is the table's own: no record holds the context, and none can take it
    // but through this stripe's lock, which the caller holds.
    fn sweep(&mut self) {
        self.table.retain(|(_, c)| Arc::strong_count(c) > 1);
        self.table.shrink_to(0, |(h, _)| *h);
        self.after_sweep = self.table.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_parts_share_one_context() {
        let contexts = Contexts::default();
        let a = contexts.intern("app", Some("alice"), &Extras::default());
        let b = contexts.intern("app", Some("alice"), &Extras::default());
        let c = contexts.intern("app", None, &Extras::default());
        let audience = Extras::default().with_audience(vec!["https://api.example".into()]);
        let d = contexts.intern("app", Some("alice"), &audience);
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c) && !Arc::ptr_eq(&a, &d));
        assert_eq!(d.extras(), &audience);
        assert_eq!((a.client_id(), a.subject()), ("app", Some("alice")));
    }

    #[test]
    fn contexts_no_token_holds_are_forgotten() {
        let contexts = Contexts::default();
        let kept = contexts.intern("app", Some("kept"), &Extras::default());
        for n in 0..10_000 {
            drop(contexts.intern("app", Some(&format!("user{n}")), &Extras::default()));
        }
        // Bounded while it grows, not only after a sweep.
        assert!(
            contexts.len() <= STRIPES * 2 * SWEEP_FLOOR,
            "{}",
            contexts.len()
        );
        contexts.sweep();
        assert_eq!(contexts.len(), 1);
        assert!(Arc::ptr_eq(
            &kept,
            &contexts.intern("app", Some("kept"), &Extras::default())
        ));
    }
}
