//! Answers kept in memory: the server's data never change while it runs, so a GET of the API
//! with the same path and query always has the same answer. The cache is bounded in bytes; the
//! oldest answers go first. Only successful answers are kept.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use axum::body::Bytes;

/// A bounded map from a request's path and query to its answer's body.
pub struct ResponseCache {
    max_bytes: usize,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    bodies: HashMap<String, Bytes>,
    order: VecDeque<String>,
    bytes: usize,
}

impl ResponseCache {
    /// A cache of at most `max_bytes` of answers (0: nothing is kept).
    pub fn new(max_bytes: usize) -> ResponseCache {
        ResponseCache {
            max_bytes,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// The answer kept for `key`.
    pub fn get(&self, key: &str) -> Option<Bytes> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.bodies.get(key).cloned()
    }

    /// Keeps `body` for `key`, dropping the oldest answers to stay within the bound; an answer
    /// larger than an eighth of the bound is not kept.
    pub fn put(&self, key: String, body: Bytes) {
        // The key is held twice (the map and the order).
        let size = body.len() + 2 * key.len();
        if size > self.max_bytes / 8 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.bodies.contains_key(&key) {
            return;
        }
        while inner.bytes + size > self.max_bytes {
            let Some(old) = inner.order.pop_front() else {
                break;
            };
            if let Some(gone) = inner.bodies.remove(&old) {
                inner.bytes -= gone.len() + 2 * old.len();
            }
        }
        inner.bytes += size;
        inner.order.push_back(key.clone());
        inner.bodies.insert(key, body);
    }

    /// Answers kept, and their size in bytes (keys included).
    pub fn usage(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.bodies.len(), inner.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_answers_go_first_within_the_bound() {
        let cache = ResponseCache::new(800);
        for i in 0..20 {
            cache.put(format!("k{i:02}"), Bytes::from(vec![b'x'; 93]));
        }
        let (count, bytes) = cache.usage();
        assert!(bytes <= 800, "{bytes}");
        assert_eq!(count, 8);
        assert!(cache.get("k00").is_none());
        assert!(cache.get("k19").is_some());
        cache.put("big".into(), Bytes::from(vec![b'x'; 95]));
        assert!(cache.get("big").is_none(), "over an eighth of the bound");
    }
}
