//! Development helper: validates the files given and prints the findings (`cargo run --example check`).
fn main() {
    for path in std::env::args().skip(1) {
        let opts = migrate_plan::LoadOptions::default();
        match migrate_plan::load_file(std::path::Path::new(&path), &opts) {
            Ok(l) => {
                eprint!(
                    "{}",
                    migrate_plan::render(&l.warnings, &migrate_plan::RenderOptions::plain())
                );
                println!("{path}: ok");
            }
            Err(d) => eprint!(
                "{}",
                migrate_plan::render(&d, &migrate_plan::RenderOptions::plain())
            ),
        }
    }
}
