//! The `guildhall` command: a thin entry point over [`guildhall::cli`].

fn main() -> std::process::ExitCode {
    guildhall::cli::main()
}
