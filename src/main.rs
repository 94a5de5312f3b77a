//! The `ecm` binary: parse, dispatch, map errors to exit status. Nothing else.

fn main() -> std::process::ExitCode {
    ecm::cli::main()
}
