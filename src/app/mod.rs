//! The pure application: the board's state, the actions keys turn into, and `update`.

pub mod format;
