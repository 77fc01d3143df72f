fn main() {
    eprintln!("chatwire-mock: the server is not built yet");
    std::process::exit(1);
}
