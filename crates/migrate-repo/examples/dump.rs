//! Prints a checksummed repository blob as JSON: `cargo run -p migrate-repo --example dump -- CODEC FILE`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[2]).unwrap();
    let un = migrate_repo::envelope::unwrap(&args[2], &args[1], &bytes).unwrap();
    let (format, value) = migrate_repo::xcontent::parse(&un.body).unwrap();
    let again = migrate_repo::xcontent::write(format, &value);
    eprintln!("{format:?} round-trip equal: {}", again == un.body);
    if again != un.body {
        let at = again.iter().zip(&un.body).position(|(a, b)| a != b);
        eprintln!(
            "first difference at {at:?} of {} / {}",
            again.len(),
            un.body.len()
        );
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&value.to_json_base64()).unwrap()
    );
}
