use super::{Format,Warning}; use crate::model::Transcript;
pub fn classify(_t: &str) -> Format { Format::OtterTxt }
pub fn read(_t: &str) -> Result<(Transcript, Vec<Warning>), String> { Err("x".into()) }
