//! # chatwire-mock
//!
//! A mock server for the OpenAI-compatible Chat Completions API as Alibaba Cloud Model Studio
//! documents it.
#![deny(missing_docs)]
