# Developer shortcuts. The README's two commands need nothing beyond cargo.

default: ci

fmt:
    cargo fmt --all

lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets --locked -- -D warnings

test:
    cargo xtask test

bench:
    cargo bench --workspace

schema:
    cargo run --locked -- schema > schemas/plan.schema.json

demo:
    cargo run --locked -- demo

ci: lint test

# Render every plan's `plan --dry-run --format markdown` in headless Chromium (Mermaid drawn) to
# target/render/*.png. Not in CI: needs `apt-get install -y chromium` and npm.
render-check:
    scripts/render-dry-run.sh
