//! Bounded memory: past the budget, records go to spill files, and the result is the one memory
//! gives.

use std::fs;

use migrate_proof::{Findings, NoDeadLetters, Proof, ProofConfig, ProofError, Side};

use crate::support::{Doc, docs, feed, prove_with};

fn tiny() -> ProofConfig {
    ProofConfig {
        side_memory: 0,
        slice_memory: 256,
        partitions_log2: 3,
        ..ProofConfig::default()
    }
}

fn mutated() -> (Vec<Doc>, Vec<Doc>) {
    let src = docs(5_000);
    let mut dst = src.clone();
    dst[17].source = Some("{}".into());
    dst[4_000].routing = Some("r".into());
    dst.remove(2_500);
    dst.push(Doc::new("new", "[]"));
    (src, dst)
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn a_tiny_budget_spills_to_files_and_gives_the_in_memory_result() {
    let (src, dst) = mutated();
    let in_memory = prove_with(ProofConfig::default(), &src, &dst, 2, &NoDeadLetters);
    assert_eq!(in_memory.diff.spilled_bytes, 0);
    let spilled = prove_with(tiny(), &src, &dst, 3, &NoDeadLetters);
    // Every record of both sides went to disk (28-byte header + id each).
    assert!(
        spilled.diff.spilled_bytes > 9_999 * 28,
        "{}",
        spilled.diff.spilled_bytes
    );
    let mut a = in_memory.lines.clone();
    let mut b = spilled.lines.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(a.len(), 4);
    assert_eq!(
        (
            in_memory.diff.missing.count,
            in_memory.diff.extra.count,
            in_memory.diff.differing.count
        ),
        (
            spilled.diff.missing.count,
            spilled.diff.extra.count,
            spilled.diff.differing.count
        )
    );
}

#[test]
fn the_default_budget_keeps_a_small_index_off_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(ProofConfig::default(), dir.path()).unwrap();
    feed(&proof, Side::Source, &docs(10_000), 2);
    assert_eq!(proof.source().stats().spilled_bytes, 0);
    assert!(files_in(proof.spill_dir()).is_empty());
}

#[test]
fn spill_files_live_under_the_given_directory_and_go_with_the_proof() {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(tiny(), dir.path()).unwrap();
    feed(&proof, Side::Source, &docs(2_000), 2);
    let spill = proof.spill_dir().to_owned();
    assert!(spill.starts_with(dir.path()));
    let names = files_in(&spill);
    assert!(
        names.iter().any(|n| n.starts_with("src-slice")),
        "{names:?}"
    );
    assert!(names.iter().all(|n| n.ends_with(".bin")), "{names:?}");
    let mut findings = Findings::new(Vec::new(), 3);
    let diff = proof.compare("idx", &mut findings, &NoDeadLetters).unwrap();
    assert_eq!(diff.missing.count, 2_000);
    assert!(!spill.exists());
    assert!(files_in(dir.path()).is_empty());
}

/// Spills a source side, lets `damage` rewrite its first spill file, and returns the compare's
/// error with the damaged path.
fn compare_after(damage: impl FnOnce(&mut Vec<u8>)) -> (ProofError, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let proof = Proof::new(tiny(), dir.path()).unwrap();
    feed(&proof, Side::Source, &docs(2_000), 1);
    let victim = proof.spill_dir().join(&files_in(proof.spill_dir())[0]);
    let mut bytes = fs::read(&victim).unwrap();
    damage(&mut bytes);
    fs::write(&victim, bytes).unwrap();
    let mut findings = Findings::new(Vec::new(), 3);
    let e = proof
        .compare("idx", &mut findings, &NoDeadLetters)
        .unwrap_err();
    (e, victim)
}

#[test]
fn a_damaged_spill_file_is_an_error_naming_the_file() {
    let (e, victim) = compare_after(|b| b.truncate(b.len() - 3));
    assert!(
        matches!(&e, ProofError::Damaged { path, .. } if *path == victim),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("is cut short; run the verification again"),
        "{e}"
    );
}

#[test]
fn a_spill_file_claiming_a_huge_id_is_refused_before_allocating() {
    // The first record's id length (after bucket u32 and content u128).
    let (e, _) = compare_after(|b| b[20..24].copy_from_slice(&(u32::MAX - 1).to_le_bytes()));
    assert!(
        e.to_string()
            .contains("at byte 0: a record claims an id of 4294967294 bytes"),
        "{e}"
    );
}
