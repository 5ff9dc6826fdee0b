pub mod edit;
pub mod formats;
pub mod model;
pub mod session;
