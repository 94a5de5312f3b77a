//! The `ecm` binary: parse, dispatch, map errors to exit status. Nothing else.

fn main() -> std::process::ExitCode {
    ecm::cli::main()
}

// Claims, ingest and reconcile allocate many small, short-lived strings per row; glibc's malloc
// spent a third of `ecm claims`'s time on them (see the README's benchmark notes).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
