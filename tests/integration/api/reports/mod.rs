//! Reports through the API: single reports and their retries, corrections, batches, and who may
//! report on a proposed bet.

mod batches;
mod corrections;
mod proposed;
mod single;
