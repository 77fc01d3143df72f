//! Shared by the `mock` and `allocs` benches: the requests they send, a client, and the bare
//! hyper server that answers with fixed bytes (the ceiling).

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;

/// A non-streaming chat request.
pub const PLAIN: &str = r#"{"model":"qwen-plus","seed":7,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Tell me about Singapore's weather."}]}"#;
/// The same request, streamed, with the usage chunk.
pub const STREAMING: &str = r#"{"model":"qwen-plus","seed":7,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Tell me about Singapore's weather."}]}"#;

/// A keep-alive HTTP/1 client.
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A client that keeps its connections alive.
pub fn client() -> HttpClient {
    Client::builder(TokioExecutor::new()).build_http()
}

pub fn request(addr: SocketAddr, body: &'static str) -> Request<Full<Bytes>> {
    Request::post(format!("http://{addr}/compatible-mode/v1/chat/completions"))
        .header("authorization", "Bearer sk-bench")
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("a valid request")
}

/// One request: its body, checked for status 200.
pub async fn fetch(client: &HttpClient, addr: SocketAddr, body: &'static str) -> Bytes {
    let response = client
        .request(request(addr, body))
        .await
        .expect("a response");
    assert_eq!(response.status(), 200, "status");
    response
        .into_body()
        .collect()
        .await
        .expect("a whole body")
        .to_bytes()
}

/// A bare hyper server answering every request with `body` (the ceiling).
pub async fn bare_server(body: Bytes, content_type: &'static str) -> SocketAddr {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let body = body.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                    let body = body.clone();
                    async move {
                        // Read the request body, as the mock does.
                        let _ = request.into_body().collect().await;
                        Ok::<_, Infallible>(
                            Response::builder()
                                .header("content-type", content_type)
                                .body(Full::new(body))
                                .expect("a valid response"),
                        )
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}
