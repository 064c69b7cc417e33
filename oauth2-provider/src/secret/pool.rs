//! Slow hashes off the async executor: a small pool of threads with a bounded queue, so a flood
//! of argon2 checks costs a fixed share of the CPU and the rest of the server keeps answering.
//! Beyond the queue a check is refused at once ([`Busy`]), which the endpoints answer with a
//! fast `503 temporarily_unavailable` and `Retry-After`.

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use futures_channel::oneshot;

use crate::error::{ErrorCode, OAuthError};

type Job = Box<dyn FnOnce() + Send>;

/// The pool was full: the check was not run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many password checks at once")]
pub struct Busy;

impl From<Busy> for OAuthError {
    fn from(_: Busy) -> Self {
        OAuthError::new(
            ErrorCode::TemporarilyUnavailable,
            "the authorization server is busy; try again shortly",
        )
    }
}

/// A pool of threads for slow hashes, shared by every clone. Threads start with the first
/// check and stop when the last clone is dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use oauth2_provider::secret::{HashPool, hash_password};
///
/// let pool = HashPool::new(1, 4); // one thread, four checks waiting at most
/// let stored = hash_password("correct horse battery staple");
/// assert_eq!(pool.verify(&stored, "correct horse battery staple").await, Ok(true));
/// assert_eq!(pool.verify(&stored, "guess").await, Ok(false));
/// # }
/// ```
#[derive(Clone)]
pub struct HashPool {
    inner: Arc<Inner>,
}

struct Inner {
    workers: usize,
    queue: usize,
    /// Checks running or waiting: never more than `workers + queue`.
    in_flight: AtomicUsize,
    sender: OnceLock<SyncSender<Job>>,
}

impl HashPool {
    /// `workers` threads (at least one), and at most `queue` checks waiting for one: beyond
    /// `workers + queue` checks in flight, [`run`](Self::run) refuses at once.
    pub fn new(workers: usize, queue: usize) -> Self {
        HashPool {
            inner: Arc::new(Inner {
                workers: workers.max(1),
                queue,
                in_flight: AtomicUsize::new(0),
                sender: OnceLock::new(),
            }),
        }
    }

    /// How many threads hash.
    pub fn workers(&self) -> usize {
        self.inner.workers
    }

    /// How many checks may wait beyond those running.
    pub fn queue(&self) -> usize {
        self.inner.queue
    }

    /// Runs `job` on a pool thread; [`Busy`] at once if the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let limit = self.inner.workers + self.inner.queue;
        if self.inner.in_flight.fetch_add(1, Ordering::AcqRel) >= limit {
            self.inner.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        let (done, result) = oneshot::channel();
        let inner = Arc::clone(&self.inner);
        let job: Job = Box::new(move || {
            // A panic stays in the job: the thread lives on, the caller sees Busy.
            let value = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            // Counted out before the caller hears back, so its next check finds the room.
            inner.in_flight.fetch_sub(1, Ordering::AcqRel);
            if let Ok(value) = value {
                let _ = done.send(value);
            }
        });
        if let Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) =
            self.sender().try_send(job)
        {
            self.inner.in_flight.fetch_sub(1, Ordering::AcqRel);
            return Err(Busy);
        }
        // A job that panicked dropped its sender unsent: refuse, as for a full queue.
        result.await.map_err(|_| Busy)
    }

    /// [`verify_secret`](super::verify_secret) with an argon2 check on the pool; a `sha256$`
    /// secret is checked in place, it costs less than queueing.
    pub async fn verify(&self, stored: &str, presented: &str) -> Result<bool, Busy> {
        if !super::is_slow(stored) {
            return Ok(super::verify_secret(stored, presented));
        }
        let (stored, presented) = (stored.to_owned(), presented.to_owned());
        self.run(move || super::verify_secret(&stored, &presented))
            .await
    }

    /// Spends what checking `presented` against a stored secret of the slowest kind costs, so
    /// an unknown client and a wrong secret take the same time.
    pub(crate) async fn verify_dummy(&self, presented: &str) -> Result<(), Busy> {
        self.verify(super::dummy_hash(), presented)
            .await
            .map(|_| ())
    }

    fn sender(&self) -> &SyncSender<Job> {
        self.inner.sender.get_or_init(|| {
            // Room for every check in flight: the count, not the channel, refuses.
            let capacity = self.inner.workers + self.inner.queue;
            let (sender, receiver) = mpsc::sync_channel::<Job>(capacity);
            let receiver = Arc::new(Mutex::new(receiver));
            for n in 0..self.inner.workers {
                let receiver = Arc::clone(&receiver);
                // A thread that cannot start leaves the others; with none, every check is
                // refused as Busy rather than run on the executor.
                let _ = std::thread::Builder::new()
                    .name(format!("oauth2-hash-{n}"))
                    .spawn(move || work(&receiver));
            }
            sender
        })
    }
}

fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = match receiver.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            // Every sender is gone: the pool was dropped.
            Err(_) => return,
        }
    }
}

impl Default for HashPool {
    /// Half the machine's cores (at least one), so hashing never takes the whole CPU from the
    /// executor, and four waiting checks per thread.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        let workers = (cores / 2).max(1);
        HashPool::new(workers, workers * 4)
    }
}

impl fmt::Debug for HashPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashPool")
            .field("workers", &self.inner.workers)
            .field("queue", &self.inner.queue)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn beyond_the_queue_a_job_is_refused_at_once() {
        futures::executor::block_on(async {
            let pool = HashPool::new(1, 1);
            let gate = Arc::new(Barrier::new(2));
            let ran = Arc::new(AtomicUsize::new(0));
            // One job holds the only thread until the gate opens; one waits in the queue.
            let mut held = Box::pin({
                let (gate, ran) = (Arc::clone(&gate), Arc::clone(&ran));
                pool.run(move || {
                    gate.wait();
                    ran.fetch_add(1, Ordering::SeqCst);
                })
            });
            let mut queued = Box::pin({
                let ran = Arc::clone(&ran);
                pool.run(move || ran.fetch_add(1, Ordering::SeqCst))
            });
            assert!(futures::poll!(&mut held).is_pending());
            assert!(futures::poll!(&mut queued).is_pending());
            // Thread busy, queue full: refused without running.
            assert_eq!(pool.run(|| ()).await, Err(Busy));
            gate.wait();
            held.await.unwrap();
            queued.await.unwrap();
            assert_eq!(ran.load(Ordering::SeqCst), 2);
            // And served again at once: the room is counted back before the answer.
            assert_eq!(pool.run(|| 7).await, Ok(7));
            assert_eq!(pool.run(|| 8).await, Ok(8));
        });
    }

    #[test]
    fn a_panicking_job_is_refused_and_the_pool_goes_on() {
        futures::executor::block_on(async {
            let pool = HashPool::new(1, 2);
            assert_eq!(pool.run(|| panic!("boom")).await, Err::<(), _>(Busy));
            assert_eq!(pool.run(|| 1).await, Ok(1));
        });
    }
}
