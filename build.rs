//! The migrations are embedded in the binary (`embed_migrations!`), but cargo only notices
//! changes to files it compiles: a new migration folder must rebuild the crate too.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
